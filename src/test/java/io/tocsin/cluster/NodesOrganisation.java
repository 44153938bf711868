package io.tocsin.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** {@code src/test/resources/orgs/nodes} with its webhook receiver's address and the ladder's delays filled in. */
final class NodesOrganisation {
    static final String KEY = "n1111111111111111111111111111111";

    private NodesOrganisation() {
    }

    static Path copy(String hook, Duration second, Duration third) {
        try {
            Path dir = Files.createTempDirectory("tocsin-nodes");
            String text = Files.readString(Path.of("src/test/resources/orgs/nodes/organisation.yaml"))
                    .replace("${HOOK}", hook).replace("${SECOND}", second.toSeconds() + "s").replace("${THIRD}", third.toSeconds() + "s");
            Files.writeString(dir.resolve("organisation.yaml"), text);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
