package io.tocsin.api;

import io.tocsin.config.SafeYaml;
import java.util.Collection;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * How much one request may ask of the server, each bound with its setting (docs/operations.md,
 * "Limits"): body sizes refused with 413 before anything is parsed (by {@link WholeBodyFilter}), configuration and scenario sizes
 * refused with 413 before any YAML is read, and the size of what a request adds to an incident refused
 * with 400 naming the field. Lengths that a database column fixes are in {@link io.tocsin.store.Columns}.
 */
@Component
public class RequestLimits {
    /** A reason given with a reassignment or de-escalation: it is carried into the pages it causes. */
    static final int REASON = 1_000;
    /** One tag. */
    static final int TAG = 100;
    /** Targets of one reassignment, people kept by one de-escalation. */
    static final int TARGETS = 20;
    static final int KEEP = 100;

    private final long requestBody;
    private final long configSize;
    private final long scenarioSize;
    private final int textLength;
    private final int tags;

    RequestLimits(@Value("${tocsin.limits.request-body:256KB}") DataSize requestBody,
                  @Value("${tocsin.limits.config-size:1MB}") DataSize configSize,
                  @Value("${tocsin.limits.scenario-size:256KB}") DataSize scenarioSize,
                  @Value("${tocsin.limits.text-length:10000}") int textLength,
                  @Value("${tocsin.limits.tags:50}") int tags) {
        if (configSize.toBytes() > SafeYaml.MAX_CHARS || scenarioSize.toBytes() > SafeYaml.MAX_CHARS) {
            throw new IllegalArgumentException("tocsin.limits.config-size and tocsin.limits.scenario-size may be at most "
                    + DataSize.ofBytes(SafeYaml.MAX_CHARS).toMegabytes() + "MB: the YAML parser reads no more");
        }
        if (requestBody.toBytes() < 1024 || textLength < 1 || tags < 1) {
            throw new IllegalArgumentException("tocsin.limits.request-body must be at least 1KB, tocsin.limits.text-length and "
                    + "tocsin.limits.tags at least 1");
        }
        this.requestBody = requestBody.toBytes();
        this.configSize = configSize.toBytes();
        this.scenarioSize = scenarioSize.toBytes();
        this.textLength = textLength;
        this.tags = tags;
    }

    /**
     * The largest body a request to {@code path} may send. A configuration or scenario travels inside
     * JSON, whose escapes can double it, so those endpoints take twice their size and check the text
     * itself once it is read ({@link #configuration}, {@link #scenario}).
     */
    long bodyLimit(String path) {
        if (path.startsWith("/v2/") || path.startsWith("/api/v1/integrations/") || path.equals("/api/v1/events")
                || path.startsWith("/api/v1/heartbeats/")) {
            // the monitoring endpoints answer an oversized event in their senders' formats (512 KB, as
            // PagerDuty's Events API), within tocsin.http.max-body-size
            return Long.MAX_VALUE;
        }
        if (path.equals("/api/v1/config") || path.equals("/api/v1/config/validate")) {
            return Math.max(requestBody, 2 * configSize);
        }
        if (path.equals("/api/v1/simulate")) {
            return Math.max(requestBody, 2 * (configSize + scenarioSize));
        }
        return requestBody;
    }

    /** Refuses configuration text larger than {@code tocsin.limits.config-size} (413 naming {@code field}). */
    void configuration(String field, Collection<String> texts) {
        long size = texts.stream().mapToLong(RequestLimits::utf8).sum();
        if (size > configSize) {
            throw new TooLarge(field, "the configuration is " + size + " bytes; at most " + configSize
                    + " are accepted (tocsin.limits.config-size)");
        }
    }

    /** Refuses a scenario larger than {@code tocsin.limits.scenario-size} (413 naming {@code field}). */
    void scenario(String field, String text) {
        long size = utf8(text);
        if (size > scenarioSize) {
            throw new TooLarge(field, "the scenario is " + size + " bytes; at most " + scenarioSize
                    + " are accepted (tocsin.limits.scenario-size)");
        }
    }

    /** A note or a status update: at most {@code tocsin.limits.text-length} characters. */
    String text(String field, String value) {
        return length(field, value, textLength, "tocsin.limits.text-length");
    }

    /** A reason (reassignment, de-escalation, override): at most {@link #REASON} characters. */
    String reason(String field, String value) {
        return length(field, value, REASON, null);
    }

    /** How many tags an incident may carry in all ({@code tocsin.limits.tags}). */
    int tags() {
        return tags;
    }

    static String length(String field, String value, int max, String setting) {
        if (value != null && value.length() > max) {
            throw new BadRequestException(field, "at most " + max + " characters" + (setting == null ? "" : " (" + setting + ")")
                    + ", got " + value.length());
        }
        return value;
    }

    /** The size of {@code text} in UTF-8, counted without encoding it (it may be megabytes). */
    static long utf8(String text) {
        long n = 0;
        for (int i = 0; text != null && i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** A body, configuration or scenario over its limit: 413 with a problem naming the field. */
    static final class TooLarge extends RuntimeException {
        private final String field;

        TooLarge(String field, String message) {
            super(message);
            this.field = field;
        }

        String field() {
            return field;
        }
    }
}
