package io.tocsin.engine;

/**
 * A monitoring source speaking about one dedup key: it fires (opening an incident, or again while one
 * is open), or it acknowledges or resolves what it opened. {@code by} is who the timeline names for an
 * acknowledgement or resolution (the integration, not a field of the payload).
 */
public record Alert(Action action, String by, Opening opening) {
    public enum Action { TRIGGER, ACKNOWLEDGE, RESOLVE }

    public static Alert trigger(Opening opening) {
        return new Alert(Action.TRIGGER, null, opening);
    }

    public static Alert acknowledge(String by) {
        return new Alert(Action.ACKNOWLEDGE, by, null);
    }

    public static Alert resolve(String by) {
        return new Alert(Action.RESOLVE, by, null);
    }
}
