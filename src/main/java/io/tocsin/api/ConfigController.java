package io.tocsin.api;

import io.tocsin.config.ActiveConfiguration;
import io.tocsin.config.ConfigLoader;
import io.tocsin.config.ConfigProblem;
import io.tocsin.config.ConfigSchema;
import io.tocsin.config.LoadedConfig;
import io.tocsin.config.Organisation;
import io.tocsin.config.OnCallChanges;
import io.tocsin.config.SourceFile;
import io.tocsin.coverage.Coverage;
import io.tocsin.coverage.CoverageReport;
import io.tocsin.store.ConfigVersion;
import io.tocsin.store.ConfigVersionStore;
import java.security.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/config")
class ConfigController {
    record FileBody(String name, String text) {
    }

    /** {@code confirm}: yes, activate it even though it changes who is on call right now. */
    record FilesBody(List<FileBody> files, Boolean confirm) {
    }

    /**
     * {@code onCallChanges}: who is on call instead of whom now; {@code coverage}: whether every page of the
     * activated organisation has someone to reach (see {@link Coverage}); {@code openIncidents}: open
     * incidents whose escalation policy the new version no longer has, and what happens to them.
     */
    record VersionView(long version, Instant appliedAt, String appliedBy, boolean unchanged, String diff,
                       List<OnCallChanges.Change> onCallChanges, Map<String, Object> coverage,
                       List<io.tocsin.incident.Incidents.PolicyChange> openIncidents) {
    }

    record VersionSummary(long version, Instant appliedAt, String appliedBy, String checksum) {
    }

    record ValidationView(boolean valid, List<ConfigProblem> problems, Map<String, Object> coverage) {
    }

    private final ActiveConfiguration active;
    private final ConfigVersionStore versions;
    private final Clock clock;
    private final io.tocsin.incident.Incidents incidents;
    private final RequestLimits limits;

    ConfigController(ActiveConfiguration active, ConfigVersionStore versions, Clock clock, io.tocsin.incident.Incidents incidents,
                     RequestLimits limits) {
        this.active = active;
        this.versions = versions;
        this.clock = clock;
        this.incidents = incidents;
        this.limits = limits;
    }

    @GetMapping(value = "/schema", produces = "application/schema+json")
    String schema() {
        return ConfigSchema.text();
    }

    /** The coverage horizon of a request: {@code from} (an instant, default now) and {@code weeks} (default 8). */
    private record Horizon(Instant from, int weeks) {
        CoverageReport of(Organisation org) {
            return Coverage.of(org, from, weeks);
        }
    }

    private Horizon horizon(String from, String weeks) {
        Instant start = from == null ? clock.instant() : RequestValues.instant("from", from);
        int n = Coverage.DEFAULT_WEEKS;
        if (weeks != null) {
            try {
                n = Integer.parseInt(weeks.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > Coverage.MAX_WEEKS) {
                throw new BadRequestException("weeks", "a whole number of weeks from 1 to " + Coverage.MAX_WEEKS + ", got \"" + weeks + "\"");
            }
        }
        return new Horizon(start, n);
    }

    /** Confirmed by {@code "confirm": true} in the body or {@code ?confirm=true}. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Object> applyFiles(@RequestBody FilesBody body, @RequestParam(defaultValue = "false") boolean confirm,
                                      @RequestParam(required = false) String from, @RequestParam(required = false) String weeks,
                                      Principal principal) {
        Horizon horizon = horizon(from, weeks);
        return apply(files(body, limits), confirm || (body != null && Boolean.TRUE.equals(body.confirm())), horizon, principal);
    }

    /** A single YAML document, for {@code curl --data-binary @org.yaml}; confirmed by {@code ?confirm=true}. */
    @PostMapping(consumes = {"application/yaml", "application/x-yaml", "text/yaml", "text/plain"})
    ResponseEntity<Object> applyYaml(@RequestBody String yaml, @RequestParam(defaultValue = "false") boolean confirm,
                                     @RequestParam(required = false) String from, @RequestParam(required = false) String weeks,
                                     Principal principal) {
        Horizon horizon = horizon(from, weeks);
        return apply(yamlFile(yaml), confirm, horizon, principal);
    }

    @PostMapping(value = "/validate", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Object> validate(@RequestBody FilesBody body, @RequestParam(required = false) String from,
                                    @RequestParam(required = false) String weeks) {
        return validate(files(body, limits), horizon(from, weeks));
    }

    /** The same single YAML document {@code POST /api/v1/config} takes, checked without activating it. */
    @PostMapping(value = "/validate", consumes = {"application/yaml", "application/x-yaml", "text/yaml", "text/plain"})
    ResponseEntity<Object> validateYaml(@RequestBody String yaml, @RequestParam(required = false) String from,
                                        @RequestParam(required = false) String weeks) {
        return validate(yamlFile(yaml), horizon(from, weeks));
    }

    /** A YAML body as the one file {@code config.yaml}, within the configuration size limit. */
    private List<SourceFile> yamlFile(String yaml) {
        limits.configuration("(body)", List.of(yaml));
        return List.of(new SourceFile("config.yaml", yaml));
    }

    private ResponseEntity<Object> validate(List<SourceFile> files, Horizon horizon) {
        LoadedConfig loaded = ConfigLoader.loadSources(files);
        if (loaded.isValid()) {
            // Valid, and whether every page would have someone to reach: gaps are reported, not refused.
            return ResponseEntity.ok(new ValidationView(true, loaded.problems(), horizon.of(loaded.organisationOrNull()).json()));
        }
        // The same answer as activating these files would give, so a CI check and an apply agree.
        ProblemDetail p = ApiProblems.problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid configuration",
                loaded.problems().size() + " problem(s); nothing was activated");
        p.setProperty("errors", loaded.problems());
        p.setProperty("valid", false);
        return ResponseEntity.unprocessableContent().body(p);
    }

    @GetMapping("/versions")
    List<VersionSummary> versions(@RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 1000) {
            throw new BadRequestException("limit", "must be between 1 and 1000");
        }
        return versions.list(limit).stream()
                .map(v -> new VersionSummary(v.version(), v.appliedAt(), v.appliedBy(), v.checksum())).toList();
    }

    @GetMapping("/versions/{version}")
    Map<String, Object> version(@PathVariable long version) {
        ConfigVersion v = versions.find(version).orElseThrow(() -> new NotFoundException("no configuration version " + version));
        return Map.of("version", v.version(), "applied_at", v.appliedAt(), "applied_by", v.appliedBy(),
                "checksum", v.checksum(), "diff", v.diff(), "source", v.sourceText(),
                "active", v.version() == active.currentVersion());
    }

    @GetMapping("/active")
    Map<String, Object> activeVersion() {
        return Map.of("version", active.currentVersion(), "organisation", active.current().id(), "name", active.current().name());
    }

    private ResponseEntity<Object> apply(List<SourceFile> files, boolean confirmed, Horizon horizon, Principal principal) {
        ActiveConfiguration.Activation result = active.apply(files, principal.getName(), "api", confirmed);
        if (result.needsConfirmation()) {
            // Valid, but it takes the pager from someone mid-shift: say from whom to whom, change nothing.
            ProblemDetail p = ApiProblems.problem(HttpStatus.CONFLICT, "Confirmation required",
                    "applying this changes who is on call right now (" + String.join("; ", result.onCallChanges().stream()
                            .map(OnCallChanges.Change::describe).toList()) + "); nothing was activated: send it again with "
                            + "\"confirm\": true (or ?confirm=true) to activate it");
            p.setProperty("errors", List.of(Map.of("field", "confirm", "message",
                    "required: this configuration changes who is on call right now")));
            p.setProperty("on_call_changes", result.onCallChanges());
            p.setProperty("diff", result.diff());
            return ResponseEntity.status(HttpStatus.CONFLICT).body(p);
        }
        if (!result.activated()) {
            ProblemDetail p = ApiProblems.problem(HttpStatus.UNPROCESSABLE_CONTENT, "Invalid configuration",
                    result.problems().size() + " problem(s); the running configuration is unchanged");
            p.setProperty("errors", result.problems());
            return ResponseEntity.unprocessableContent().body(p);
        }
        ConfigVersion v = result.version();
        // Open incidents whose policy is gone move to their service's policy now, and the answer says so.
        io.tocsin.engine.EscalationEngine next = result.unchanged() ? null : io.tocsin.config.EngineModel.engine(result.organisation());
        List<io.tocsin.incident.Incidents.PolicyChange> moved = next == null ? List.of() : incidents.policyChanges(next);
        // ... and every open incident the new rules wake sooner than its timer (a shortened delay, a new
        // timed trigger) is woken now, not when the old rules said.
        java.util.Set<String> wake = new java.util.LinkedHashSet<>();
        moved.forEach(m -> wake.add(m.incident()));
        if (next != null) {
            wake.addAll(incidents.dueSooner(next));
        }
        incidents.wakeNow(List.copyOf(wake));
        VersionView view = new VersionView(v.version(), v.appliedAt(), v.appliedBy(), result.unchanged(), v.diff(),
                result.onCallChanges(), horizon.of(result.organisation()).json(), moved);
        return ResponseEntity.status(result.unchanged() ? HttpStatus.OK : HttpStatus.CREATED).body(view);
    }

    /** The files of a body, refused (413) when together they exceed {@code tocsin.limits.config-size}. */
    static List<SourceFile> files(FilesBody body, RequestLimits limits) {
        if (body == null || body.files() == null || body.files().isEmpty()) {
            throw new BadRequestException("files", "at least one file is required");
        }
        List<SourceFile> out = new ArrayList<>();
        for (int i = 0; i < body.files().size(); i++) {
            FileBody f = body.files().get(i);
            if (f == null || f.name() == null || f.name().isBlank()) {
                throw new BadRequestException("files[" + i + "].name", "required");
            }
            if (f.text() == null) {
                throw new BadRequestException("files[" + i + "].text", "required");
            }
            RequestLimits.length("files[" + i + "].name", f.name(), 200, null);
            out.add(new SourceFile(f.name(), f.text()));
        }
        limits.configuration("files", out.stream().map(SourceFile::text).toList());
        return out;
    }
}
