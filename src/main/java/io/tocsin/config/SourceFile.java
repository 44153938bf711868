package io.tocsin.config;

/** The text of one configuration file and the name it is reported under. */
public record SourceFile(String name, String text) {
}
