package io.tocsin.api;

import io.tocsin.report.ReportCsv;
import io.tocsin.report.Reports;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reports over a period ({@code from}, {@code to}: instants, or dates meaning local midnight in the
 * organisation's zone; default the last 30 days), as JSON or, with {@code format=csv}, as CSV. What
 * every figure means is written once, in {@link Reports}.
 */
@RestController
class ReportsController {
    static final MediaType CSV = new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8);
    static final Duration DEFAULT_PERIOD = Duration.ofDays(30);

    private final Reports reports;

    ReportsController(Reports reports) {
        this.reports = reports;
    }

    @GetMapping("/api/v1/reports/incidents")
    ResponseEntity<?> incidents(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                @RequestParam(required = false) String by, @RequestParam(required = false) String format) {
        boolean csv = csv(format);
        Instant[] period = period(from, to);
        Reports.GroupBy group = by == null ? Reports.GroupBy.SEVERITY : Reports.GroupBy.of(by).orElseThrow(() -> new BadRequestException("by",
                "one of severity, service, team, day, week, month"));
        Reports.IncidentReport r = reports.incidents(period[0], period[1], group);
        return csv ? ResponseEntity.ok().contentType(CSV).body(ReportCsv.incidents(r)) : ResponseEntity.ok(r);
    }

    @GetMapping("/api/v1/reports/people")
    ResponseEntity<?> people(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
                             @RequestParam(required = false) String format) {
        boolean csv = csv(format);
        Instant[] period = period(from, to);
        Reports.PeopleReport r = reports.people(period[0], period[1]);
        return csv ? ResponseEntity.ok().contentType(CSV).body(ReportCsv.people(r)) : ResponseEntity.ok(r);
    }

    /** The week from {@code from} (default: the seven days up to now) against the week before it. */
    @GetMapping("/api/v1/reports/weekly")
    ResponseEntity<?> weekly(@RequestParam(required = false) String from, @RequestParam(required = false) String format) {
        boolean csv = csv(format);
        Instant start = from == null ? reports.now().minus(Duration.ofDays(7)) : RequestValues.instantOrDate("from", from, reports.zone());
        Reports.WeeklyReport r = reports.weekly(start);
        return csv ? ResponseEntity.ok().contentType(CSV).body(ReportCsv.weekly(r)) : ResponseEntity.ok(r);
    }

    static boolean csv(String format) {
        if (format == null || format.equalsIgnoreCase("json")) {
            return false;
        }
        if (format.toLowerCase(Locale.ROOT).equals("csv")) {
            return true;
        }
        throw new BadRequestException("format", "json or csv");
    }

    private Instant[] period(String from, String to) {
        Instant end = to == null ? reports.now() : RequestValues.instantOrDate("to", to, reports.zone());
        Instant start = from == null ? end.minus(DEFAULT_PERIOD) : RequestValues.instantOrDate("from", from, reports.zone());
        if (!start.isBefore(end)) {
            throw new BadRequestException("to", "must be after from");
        }
        if (Duration.between(start, end).compareTo(Reports.MAX_PERIOD) > 0) {
            throw new BadRequestException("to", "a report covers at most 366 days");
        }
        return new Instant[] {start, end};
    }
}
