package io.tocsin.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tocsin.testing.HttpCalls;
import io.tocsin.testing.TestClockConfig;
import io.tocsin.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The directory answers what a responder reads in the running configuration: the keys that change no
 * escalation (names, descriptions, a severity's criteria, examples and impact, a person's time zone,
 * holidays' names, a domain's backup experts) act here. It reads the configuration only, so one database
 * is enough.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.admin-token=" + DirectoryOnH2Test.TOKEN,
        "tocsin.config.path=src/test/resources/orgs/keys",
        "tocsin.admin-token-file=target/test-admin-token-directory",
        "tocsin.timers.enabled=false",
        "tocsin.notify.enabled=false",
        "tocsin.handoff.enabled=false"})
@Import(TestClockConfig.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DirectoryOnH2Test {
    static final String TOKEN = "directory-test-token-0123456789";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.use(registry, TestDatabases.h2());
    }

    @Test
    void theDirectoryShowsWhatRespondersReadInTheConfiguration() {
        HttpCalls api = new HttpCalls("http://localhost:" + port, TOKEN);
        assertThat(api.withToken(null).get("/api/v1/directory").status()).isEqualTo(401);
        HttpCalls.Answer a = api.get("/api/v1/directory");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode d = a.json();

        assertThat(d.path("organisation").path("holidays").get(0).path("name").asString()).isEqualTo("Christmas Day");
        JsonNode p1 = d.path("severities").get(0);
        assertThat(p1.path("name").asString()).isEqualTo("Critical");
        assertThat(texts(p1.path("criteria"))).containsExactly("Storage unavailable for every customer");
        assertThat(texts(p1.path("examples"))).containsExactly("Every volume read-only");
        assertThat(p1.path("impact").asString()).isEqualTo("Customers cannot save anything");

        // TestClockConfig starts at 2026-03-29T01:00Z: Saturday 21:00 in New York, 04:00 on Sunday in Bucharest
        // (the organisation's zone, for someone who names none; summer time began at 03:00 that night).
        JsonNode ana = d.path("people").get(0);
        assertThat(ana.path("name").asString()).isEqualTo("Ana");
        assertThat(ana.path("time_zone").asString()).isEqualTo("America/New_York");
        assertThat(ana.path("local_time").asString()).isEqualTo("Sat 2026-03-28 21:00 -04:00");
        assertThat(d.path("people").get(1).path("local_time").asString()).isEqualTo("Sun 2026-03-29 04:00 +03:00");

        assertThat(d.path("roles").get(0).path("name").asString()).isEqualTo("Storage lead");
        assertThat(d.path("teams").get(0).path("name").asString()).isEqualTo("Operations");
        assertThat(texts(d.path("domains").get(0).path("backup"))).containsExactly("dora");
        JsonNode storage = d.path("services").get(0);
        assertThat(storage.path("name").asString()).isEqualTo("Storage");
        assertThat(storage.path("description").asString()).isEqualTo("Volumes and object storage");
        JsonNode policy = d.path("escalation_policies").get(0);
        assertThat(policy.path("name").asString()).isEqualTo("Ops escalation");
        assertThat(policy.path("description").asString()).isEqualTo("One ladder for every operations service");
        JsonNode path = byId(policy.path("paths"), "standard");
        assertThat(path.path("name").asString()).isEqualTo("Standard ladder");
        assertThat(path.path("description").asString()).isEqualTo("The on-call, then the team in turn, then storage's backup experts");
        assertThat(path.path("levels").get(0).path("name").asString()).isEqualTo("On-call engineer");
        assertThat(d.path("routing_rules").get(0).path("description").asString()).isEqualTo("Disk alerts raised at the edge belong to storage");
        assertThat(d.path("maintenance_windows").get(0).path("name").asString()).isEqualTo("Edge upgrade");
    }

    static JsonNode byId(JsonNode array, String id) {
        for (JsonNode n : array) {
            if (n.path("id").asString().equals(id)) {
                return n;
            }
        }
        throw new AssertionError("no \"" + id + "\" in " + array);
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}
