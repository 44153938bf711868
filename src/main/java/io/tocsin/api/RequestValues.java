package io.tocsin.api;

import io.tocsin.schedule.LocalTimes;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;

/** Parsing of time-valued request fields, each failure naming its field. */
final class RequestValues {
    private RequestValues() {
    }

    static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new BadRequestException(field, "required: an ISO-8601 instant like 2026-03-29T09:00:00Z");
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException e) {
            throw new BadRequestException(field, "bad instant \"" + value + "\": use ISO-8601 with an offset, like 2026-03-29T09:00:00Z");
        }
    }

    /** An instant, or a date meaning its local midnight in {@code zone}. */
    static Instant instantOrDate(String field, String value, ZoneId zone) {
        if (value != null && value.length() == 10) {
            try {
                return LocalTimes.startOfDay(LocalDate.parse(value), zone);
            } catch (DateTimeException e) {
                throw new BadRequestException(field, "bad date \"" + value + "\": use YYYY-MM-DD or an ISO-8601 instant");
            }
        }
        return instant(field, value);
    }

    static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new BadRequestException(field, "required");
        }
        return value;
    }
}
