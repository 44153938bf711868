package io.tocsin.cli;

import io.tocsin.migration.DirectoryExport;
import io.tocsin.migration.GoAlertApi;
import io.tocsin.migration.ExportSource;
import io.tocsin.migration.ImportOptions;
import io.tocsin.migration.ImportReport;
import io.tocsin.migration.Importer;
import io.tocsin.migration.OpsgenieApi;
import io.tocsin.migration.PagerDutyApi;
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
import java.util.function.BiFunction;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "import", description = "Turn another on-call system's configuration into a Tocsin configuration directory, with a report of what could not be carried over.",
        subcommands = {ImportCommand.PagerDuty.class, ImportCommand.Opsgenie.class, ImportCommand.GoAlert.class})
class ImportCommand {
    /** What every import's exit code means, the same for every source. */
    static final String EXIT_CODES = "Exit 0: valid and every schedule matches; 1: written, with schedule mismatches; "
            + "2: nothing usable (bad export, API error, invalid result).";

    /** What every import takes: where from (a directory or the API), where to, and the comparison's range. */
    abstract static class Importing implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "EXPORT_DIR", description = "Directory of saved API answers (not with --from-api).")
        Path exportDir;

        @ArgGroup(exclusive = false)
        Api api;

        static class Api {
            @Option(names = "--from-api", required = true, description = "Read from the source's REST API instead of a directory.")
            boolean fromApi;

            @Option(names = "--base-url", description = "API base address (default: the source's public API).")
            URI baseUrl;

            @Option(names = "--token-file", description = "File holding a read-only API key (default: the environment variable the command names).")
            Path tokenFile;
        }

        @Option(names = "--output", required = true, description = "Directory to write the configuration and import-report.md to (new or empty).")
        Path output;

        @Option(names = "--org-id", defaultValue = "imported", description = "Organisation id (default: ${DEFAULT-VALUE}).")
        String orgId;

        @Option(names = "--org-name", description = "Organisation name (default: Imported from SOURCE).")
        String orgName;

        @Option(names = "--time-zone", description = "Organisation time zone (default: the zone most schedules use).")
        ZoneId zone;

        @Option(names = "--from", description = "Start of the comparison, ISO-8601 with offset (default: now, to the minute).")
        OffsetDateTime from;

        @Option(names = "--weeks", defaultValue = "8", description = "How many weeks to compare each schedule over (default: ${DEFAULT-VALUE}).")
        int weeks;

        /** The source's name in messages and the default organisation name. */
        private final String sourceName;
        /** The API's public address; null where the source runs on its owner's host and --base-url is needed. */
        private final URI defaultBaseUrl;
        /** The environment variable the API key is read from without --token-file. */
        private final String tokenVariable;
        /** Reads the source's API at a base address with a key. */
        private final BiFunction<URI, String, ExportSource> client;
        private final Run run;

        /** The import itself: what {@link Importer} runs for this source. */
        interface Run {
            Importer.Outcome run(ExportSource source, ImportOptions options, Path out) throws IOException;
        }

        /**
         * The sources differ only in these values, so each subcommand names them instead of repeating the
         * options, the reading and the report: one way to import, whatever the source.
         */
        Importing(String sourceName, URI defaultBaseUrl, String tokenVariable, BiFunction<URI, String, ExportSource> client, Run run) {
            this.sourceName = sourceName;
            this.defaultBaseUrl = defaultBaseUrl;
            this.tokenVariable = tokenVariable;
            this.client = client;
            this.run = run;
        }

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
            ImportOptions options = new ImportOptions(orgId, orgName == null ? "Imported from " + sourceName : orgName, zone, start,
                    start.plus(Duration.ofDays(7L * weeks)));
            Importer.Outcome outcome;
            try {
                outcome = run.run(source, options, output);
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
                String token = api.tokenFile != null ? Files.readString(api.tokenFile).strip() : System.getenv(tokenVariable);
                if (token == null || token.isBlank()) {
                    err.println("--from-api needs an API key: --token-file FILE or the " + tokenVariable + " environment variable");
                    return null;
                }
                URI base = api.baseUrl == null ? defaultBaseUrl : api.baseUrl;
                if (base == null) {
                    err.println("--from-api needs --base-url: the address of your " + sourceName);
                    return null;
                }
                return client.apply(base, token);
            }
            if (exportDir == null || !Files.isDirectory(exportDir)) {
                err.println(exportDir == null ? "give EXPORT_DIR or --from-api" : exportDir + " is not a directory");
                return null;
            }
            return new DirectoryExport(exportDir);
        }
    }

    @Command(name = "pagerduty", description = {
            "Import users, teams, schedules (layers, restrictions, overrides), escalation policies and services with their integration keys from PagerDuty.",
            "Reads an export directory (the REST API v2 answers saved as PATH.json: users.json, teams.json, teams/ID/members.json, schedules.json, "
                    + "schedules/ID.json with final_schedule, schedules/ID/overrides.json, escalation_policies.json, services.json) "
                    + "or the API itself (--from-api; base https://api.pagerduty.com, key in PAGERDUTY_TOKEN or --token-file).",
            "Writes the configuration and import-report.md to --output, validates it and compares each schedule's on-call with PagerDuty's final schedule.",
            EXIT_CODES})
    static class PagerDuty extends Importing {
        PagerDuty() {
            super("PagerDuty", URI.create("https://api.pagerduty.com"), "PAGERDUTY_TOKEN", PagerDutyApi::new, Importer::pagerDuty);
        }
    }

    @Command(name = "opsgenie", description = {
            "Import users (contacts, notification rules), teams, schedules (rotations, time restrictions, overrides), escalations, heartbeats and integrations from Opsgenie.",
            "Reads an export directory (the REST API v2 answers saved as PATH.json without the v2/ prefix: users.json, users/ID/contacts.json, "
                    + "users/ID/notification-rules.json and .../RULE/steps.json, teams.json, teams/ID.json, schedules.json (expand=rotation), "
                    + "schedules/ID/overrides.json, schedules/ID/timeline.json, escalations.json, heartbeats.json, integrations.json, integrations/ID.json) "
                    + "or the API itself (--from-api; base https://api.opsgenie.com, key in OPSGENIE_API_KEY or --token-file).",
            "Writes the configuration and import-report.md to --output, validates it and compares each schedule's on-call with Opsgenie's final timeline.",
            EXIT_CODES})
    static class Opsgenie extends Importing {
        Opsgenie() {
            super("Opsgenie", URI.create("https://api.opsgenie.com"), "OPSGENIE_API_KEY", OpsgenieApi::new, Importer::opsgenie);
        }
    }

    @Command(name = "goalert", description = {
            "Import users (contact methods, notification rules), rotations, schedules (targets, rules, overrides), escalation policies and services "
                    + "with their integration keys and heartbeats from GoAlert.",
            "Reads an export directory (each GraphQL query's answer saved as NAME.json: users.json, rotations.json, schedules.json with shifts, "
                    + "userOverrides.json, escalationPolicies.json, services.json; the queries are in docs/migrating.md) "
                    + "or the API itself (--from-api; --base-url is your GoAlert's address, key in GOALERT_TOKEN or --token-file).",
            "Writes the configuration and import-report.md to --output, validates it and compares each schedule's on-call with GoAlert's shifts.",
            EXIT_CODES})
    static class GoAlert extends Importing {
        GoAlert() {
            // GoAlert runs on its owner's host: there is no public address to default to.
            super("GoAlert", null, "GOALERT_TOKEN", GoAlertApi::new, Importer::goAlert);
        }
    }
}
