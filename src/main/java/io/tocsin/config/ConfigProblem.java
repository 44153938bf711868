package io.tocsin.config;

/** One problem in a configuration, located in its source file. */
public record ConfigProblem(String file, int line, int column, String path, String message) {
    /** {@code file:line:column: path: message}, the form editors and CI logs can jump to. */
    public String format() {
        return file + ":" + line + ":" + column + ": " + path + ": " + message;
    }
}
