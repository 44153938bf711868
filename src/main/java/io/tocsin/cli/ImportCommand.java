package io.tocsin.cli;

import io.tocsin.migration.DirectoryExport;
import io.tocsin.migration.ExportSource;
import io.tocsin.migration.ImportReport;
import io.tocsin.migration.Importer;
import io.tocsin.migration.PagerDutyApi;
import io.tocsin.migration.PagerDutyImport;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "import", description = "Turn another on-call system's configuration into a Tocsin configuration directory, with a report of what could not be carried over.",
        subcommands = {ImportCommand.PagerDuty.class})
class ImportCommand {

    @Command(name = "pagerduty", description = {
            "Import users, teams, schedules (layers, restrictions, overrides), escalation policies and services with their integration keys from PagerDuty.",
            "Reads an export directory (the REST API v2 answers saved as PATH.json: users.json, teams.json, teams/ID/members.json, schedules.json, "
                    + "schedules/ID.json with final_schedule, schedules/ID/overrides.json, escalation_policies.json, services.json) or the API itself (--from-api).",
            "Writes the configuration and import-report.md to --output, validates it and compares each schedule's on-call with PagerDuty's final schedule.",
            "Exit 0: valid and every schedule matches; 1: written, with schedule mismatches; 2: nothing usable (bad export, API error, invalid result)."})
    static class PagerDuty implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "EXPORT_DIR", description = "Directory of saved API answers (not with --from-api).")
        Path exportDir;

        @ArgGroup(exclusive = false)
        Api api;

        static class Api {
            @Option(names = "--from-api", required = true, description = "Read from the PagerDuty REST API instead of a directory.")
            boolean fromApi;

            @Option(names = "--base-url", defaultValue = "https://api.pagerduty.com", description = "API base address (default: ${DEFAULT-VALUE}).")
            URI baseUrl;

            @Option(names = "--token-file", description = "File holding a read-only REST API key (default: the PAGERDUTY_TOKEN environment variable).")
            Path tokenFile;
        }

        @Option(names = "--output", required = true, description = "Directory to write the configuration and import-report.md to (new or empty).")
        Path output;

        @Option(names = "--org-id", defaultValue = "imported", description = "Organisation id (default: ${DEFAULT-VALUE}).")
        String orgId;

        @Option(names = "--org-name", defaultValue = "Imported from PagerDuty", description = "Organisation name.")
        String orgName;

        @Option(names = "--time-zone", description = "Organisation time zone (default: the zone most schedules use).")
        ZoneId zone;

        @Option(names = "--from", description = "Start of the comparison, ISO-8601 with offset (default: now, to the minute).")
        OffsetDateTime from;

        @Option(names = "--weeks", defaultValue = "8", description = "How many weeks to compare each schedule over (default: ${DEFAULT-VALUE}).")
        int weeks;

        @java.lang.Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (weeks < 1 || weeks > 52) {
                err.println("--weeks must be 1 to 52");
                return 2;
            }
            ExportSource source;
            try {
                source = source(err);
            } catch (IOException e) {
                err.println(e.getMessage());
                return 2;
            }
            if (source == null) {
                return 2;
            }
            Instant start = from == null ? Instant.now().truncatedTo(ChronoUnit.MINUTES) : from.toInstant();
            PagerDutyImport.Options options = new PagerDutyImport.Options(orgId, orgName, zone, start,
                    start.plus(Duration.ofDays(7L * weeks)));
            Importer.Outcome outcome;
            try {
                outcome = Importer.pagerDuty(source, options, output);
            } catch (IOException | IllegalArgumentException e) {
                err.println("import failed: " + e.getMessage());
                return 2;
            }
            ImportReport report = outcome.report();
            out.print(report.markdown());
            out.println("Wrote " + output.resolve(Importer.REPORT_FILE) + " and the configuration beside it.");
            if (!outcome.valid()) {
                err.println("the configuration written does not validate; see Problems in the report");
                return 2;
            }
            return report.mismatches() == 0 ? 0 : 1;
        }

        private ExportSource source(PrintWriter err) throws IOException {
            if (api != null && api.fromApi) {
                if (exportDir != null) {
                    err.println("give either EXPORT_DIR or --from-api, not both");
                    return null;
                }
                String token = api.tokenFile != null ? Files.readString(api.tokenFile).strip() : System.getenv("PAGERDUTY_TOKEN");
                if (token == null || token.isBlank()) {
                    err.println("--from-api needs a token: --token-file FILE or the PAGERDUTY_TOKEN environment variable");
                    return null;
                }
                return new PagerDutyApi(api.baseUrl, token);
            }
            if (exportDir == null || !Files.isDirectory(exportDir)) {
                err.println(exportDir == null ? "give EXPORT_DIR or --from-api" : exportDir + " is not a directory");
                return null;
            }
            return new DirectoryExport(exportDir);
        }
    }
}
