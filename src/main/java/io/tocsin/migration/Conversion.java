package io.tocsin.migration;

import java.util.List;
import java.util.Map;

/**
 * A source's configuration converted: the files to write (name → top-level sections), the source's
 * own rendered on-call of each imported schedule (null when the export has none), each schedule's
 * name and id in the source, and the report so far.
 */
public record Conversion(Map<String, Map<String, Object>> files, Map<String, List<ScheduleComparison.Entry>> rendered,
                         Map<String, String> scheduleNames, Map<String, String> scheduleSources, ImportReport report) {
}
