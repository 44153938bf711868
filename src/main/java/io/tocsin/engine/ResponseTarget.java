package io.tocsin.engine;

/** The three response targets a severity can set; breaching one is an event that can escalate. */
public enum ResponseTarget { ACKNOWLEDGE, FIRST_UPDATE, RESOLVE }
