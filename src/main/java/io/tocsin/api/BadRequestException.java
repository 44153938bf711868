package io.tocsin.api;

import java.util.List;

/** Input that names fields wrongly; answered 400 with every field in the problem details. */
public class BadRequestException extends RuntimeException {
    private final List<FieldErrors.FieldError> errors;

    public BadRequestException(String field, String message) {
        super(message);
        this.errors = List.of(new FieldErrors.FieldError(field, message));
    }

    BadRequestException(List<FieldErrors.FieldError> errors) {
        super(errors.get(0).message());
        this.errors = List.copyOf(errors);
    }

    /** The first field named (the only one, for most). */
    public String field() {
        return errors.get(0).field();
    }

    List<FieldErrors.FieldError> errors() {
        return errors;
    }
}
