package io.tocsin.engine;

public enum IncidentStatus { TRIGGERED, ACKNOWLEDGED, RESOLVED }
