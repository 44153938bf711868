package io.tocsin.api;

/** Input that names a field wrongly; answered 400 with the field in the problem details. */
public class BadRequestException extends RuntimeException {
    private final String field;

    public BadRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
