package io.tocsin.api;

/** The caller is known but may not do this (naming someone else, a scope it lacks); answered 403 naming the field. */
public class ForbiddenException extends RuntimeException {
    private final String field;

    public ForbiddenException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
