package io.tocsin.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The reports as CSV (RFC 4180: comma-separated, CRLF line ends, fields quoted when they hold a comma,
 * a quote or a line break), one header row, the same figures as the JSON; an empty cell is "no figure"
 * (a mean over no incident). Cells that a spreadsheet would run as a formula are prefixed with a quote.
 */
public final class ReportCsv {
    private ReportCsv() {
    }

    public static String incidents(Reports.IncidentReport r) {
        List<String> header = new ArrayList<>(List.of("group", "incidents", "acknowledged", "mtta_seconds", "resolved", "mttr_seconds"));
        r.total().targets().forEach(t -> header.addAll(List.of(t.target() + "_measured", t.target() + "_met", t.target() + "_adherence")));
        header.addAll(List.of("cadence_incidents", "cadence_kept", "cadence_adherence", "status_updates", "update_reminders", "escalations",
                "escalations_per_incident", "escalated_incidents", "escalation_rate", "mean_time_to_first_escalation_seconds"));
        StringBuilder out = new StringBuilder();
        line(out, header);
        List<Reports.IncidentFigures> rows = new ArrayList<>(r.groups());
        rows.add(r.total());
        for (Reports.IncidentFigures f : rows) {
            List<String> cells = new ArrayList<>(List.of(f.group(), num(f.incidents()), num(f.acknowledged()), num(f.mttaSeconds()),
                    num(f.resolved()), num(f.mttrSeconds())));
            f.targets().forEach(t -> cells.addAll(List.of(num(t.measured()), num(t.met()), num(t.adherence()))));
            cells.addAll(List.of(num(f.cadenceIncidents()), num(f.cadenceKept()), num(f.cadenceAdherence()), num(f.statusUpdates()),
                    num(f.updateReminders()), num(f.escalations()), num(f.escalationsPerIncident()), num(f.escalatedIncidents()),
                    num(f.escalationRate()), num(f.meanTimeToFirstEscalationSeconds())));
            line(out, cells);
        }
        return out.toString();
    }

    public static String people(Reports.PeopleReport r) {
        StringBuilder out = new StringBuilder();
        line(out, List.of("person", "name", "time_zone", "on_call_seconds_business", "on_call_seconds_off", "on_call_seconds_sleep",
                "on_call_seconds", "on_call_hours", "pages_business", "pages_off", "pages_sleep", "pages"));
        for (Reports.PersonFigures p : r.people()) {
            line(out, List.of(p.person(), p.name() == null ? "" : p.name(), p.timeZone(), num(p.onCallSecondsBusiness()),
                    num(p.onCallSecondsOff()), num(p.onCallSecondsSleep()), num(p.onCallSeconds()), num(p.onCallHours()),
                    num(p.pagesBusiness()), num(p.pagesOff()), num(p.pagesSleep()), num(p.pages())));
        }
        return out.toString();
    }

    /** The weekly report as rows of (section, key, value): its figures, the open incidents and the noisiest alerts. */
    public static String weekly(Reports.WeeklyReport r) {
        StringBuilder out = new StringBuilder();
        line(out, List.of("section", "key", "value", "detail"));
        line(out, List.of("week", "from", r.from().toString(), ""));
        line(out, List.of("week", "to", r.to().toString(), ""));
        line(out, List.of("week", "incidents", num(r.incidents()), ""));
        line(out, List.of("week", "previous_week", num(r.previousWeek()), ""));
        line(out, List.of("week", "change", num(r.change()), r.trend()));
        line(out, List.of("week", "change_percent", num(r.changePercent()), ""));
        r.bySeverity().forEach((s, n) -> line(out, List.of("severity", s, num(n), "previous week " + r.bySeverityPreviousWeek().getOrDefault(s, 0))));
        r.openIncidents().forEach(i -> line(out, List.of("open", i.number(), i.status(), i.severity() + " " + i.service() + ": " + i.summary())));
        r.noisiestAlerts().forEach(a -> line(out, List.of("noisiest", a.service() + "/" + a.dedupKey(), num(a.events()),
                a.incidents() + " incident(s): " + a.summary())));
        return out.toString();
    }

    static String num(long n) {
        return Long.toString(n);
    }

    static String num(Double d) {
        return d == null ? "" : num(d.doubleValue());
    }

    /** Plain decimal, never exponent notation, as many digits as the double needs (the JSON's value). */
    static String num(double d) {
        return new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    private static void line(StringBuilder out, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells.get(i)));
        }
        out.append("\r\n");
    }

    static String cell(String value) {
        String v = value == null ? "" : value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0 && !v.matches("-?[0-9.]+")) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

}
