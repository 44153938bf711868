package io.tocsin.migration;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Where a source system's configuration is read from: a directory of JSON files saved from its REST
 * API, or the API itself. Paths are the API's own paths without the leading slash
 * ({@code schedules/PABC123}), so an export directory mirrors the API and one importer reads both.
 */
public interface ExportSource {
    /** The document the API answers at {@code path}; {@link MissingExport} when the export has none. */
    JsonNode document(String path, Map<String, String> query) throws IOException;

    /** Every item of the list at {@code path} under {@code collection}, all pages. */
    List<JsonNode> list(String path, String collection, Map<String, String> query) throws IOException;

    /**
     * Every item of the list at {@code path}, or none when the export lacks it: the report then says
     * that {@code what} of {@code subject} was not carried over, and why, and the import goes on
     * without it. For the parts an import can do without (a team's members, a schedule's overrides).
     */
    default List<JsonNode> listOrReport(String path, String collection, Map<String, String> query, ImportReport report, String subject,
                                        String what) throws IOException {
        try {
            return list(path, collection, query);
        } catch (MissingExport e) {
            report.notCarried(subject, what, e.getMessage());
            return List.of();
        }
    }

    /** What this source is, for the report ("export directory /x", "API https://..."). */
    String describe();

    /** An export that lacks a document the importer needs: the report says so instead of guessing. */
    final class MissingExport extends IOException {
        public MissingExport(String message) {
            super(message);
        }
    }
}
