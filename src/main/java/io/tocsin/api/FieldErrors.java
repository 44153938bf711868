package io.tocsin.api;

import io.tocsin.config.DidYouMean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Every invalid field of one request, collected so that the answer lists them all at once (RFC 9457
 * {@code errors}) instead of one per attempt. {@link RequestBodies} starts one for every JSON body with
 * the keys the body's type does not know and hands it to the body's own {@link Checked#check}; a
 * controller collects what only it can judge (does this person exist?) the same way.
 */
final class FieldErrors {
    record FieldError(String field, String message) {
    }

    private final List<FieldError> errors = new ArrayList<>();

    FieldErrors add(String field, String message) {
        FieldError e = new FieldError(field, message);
        if (!errors.contains(e)) {
            errors.add(e);
        }
        return this;
    }

    /** The value, or null with "required" recorded when it is missing or blank. */
    String required(String field, String value) {
        if (value == null || value.isBlank()) {
            add(field, "required");
            return null;
        }
        return value;
    }

    /** The instant a required field names (RequestValues' rule), or null with what is wrong recorded. */
    Instant instant(String field, String value) {
        try {
            return RequestValues.instant(field, value);
        } catch (BadRequestException e) {
            add(field, e.getMessage());
            return null;
        }
    }

    /** A value longer than {@code max} characters is recorded in RequestLimits' words. */
    void length(String field, String value, int max) {
        try {
            RequestLimits.length(field, value, max, null);
        } catch (BadRequestException e) {
            add(field, e.getMessage());
        }
    }

    /** {@code end} must follow {@code start}, when both were read. */
    void ordered(Instant start, Instant end) {
        if (start != null && end != null && !end.isAfter(start)) {
            add("end", "must be after start");
        }
    }

    /**
     * A reference to one of {@code known} ("person", "service"...): recorded as unknown, with the
     * closest known name as a suggestion, when it is none of them. True when it is known.
     */
    boolean known(String field, String what, String value, Collection<String> known) {
        if (value == null || known.contains(value)) {
            return value != null;
        }
        add(field, "unknown " + what + " \"" + value + "\"" + suggestion(value, known));
        return false;
    }

    static String suggestion(String value, Collection<String> known) {
        return DidYouMean.suggestion(value, known);
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    List<FieldError> list() {
        return List.copyOf(errors);
    }

    /** Answers 400 with every error recorded so far, if there is one. */
    void throwIfAny() {
        if (!errors.isEmpty()) {
            throw new BadRequestException(errors);
        }
    }

    /** A JSON body type that checks its own fields: each problem is recorded, none thrown. */
    interface Checked {
        void check(FieldErrors errors);
    }

    /**
     * A JSON body type whose checks need more than the body (the caller, the organisation): the keys it
     * should not have are not thrown as it is read but handed to its controller
     * ({@link RequestBodies#unknownKeys()}), which answers them together with its own findings.
     */
    interface Deferred {
    }
}
