package io.tocsin.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test organisations whose contact methods point at a local provider: the provider's port is known
 * only once it has started, so the YAML is copied with a placeholder replaced by its address.
 */
public final class TestOrganisations {
    private TestOrganisations() {
    }

    public static Path copy(String resourceDir, String placeholder, String address) {
        try {
            Path dir = Files.createTempDirectory("tocsin-org");
            try (var files = Files.list(Path.of(resourceDir))) {
                for (Path f : files.toList()) {
                    Files.writeString(dir.resolve(f.getFileName()), Files.readString(f).replace(placeholder, address));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
