package io.tocsin.schedule;

/** A stretch of time in which one person is on call for a layer, in epoch seconds. */
record Segment(String person, long start, long end, boolean override) {
}
