package io.tocsin.api;

import io.tocsin.store.ApiTokenStore;
import io.tocsin.store.TokenHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Makes sure an operator can reach the API on a fresh install: {@code tocsin.admin-token}
 * (env TOCSIN_ADMIN_TOKEN) registers a known token; otherwise, when no token exists at all, one is
 * generated and written to a file only its owner can read. The token itself never reaches the log.
 */
@Component
class AdminTokenBootstrap implements SmartInitializingSingleton {
    private static final Logger LOG = LoggerFactory.getLogger(AdminTokenBootstrap.class);

    private final ApiTokenStore tokens;
    private final String configured;
    private final Path tokenFile;

    AdminTokenBootstrap(ApiTokenStore tokens, @Value("${tocsin.admin-token:}") String configured,
                        @Value("${tocsin.admin-token-file:${tocsin.data-dir:./data}/admin-token}") String tokenFile) {
        this.tokens = tokens;
        this.configured = configured;
        this.tokenFile = Path.of(tokenFile);
    }

    @java.lang.Override
    public void afterSingletonsInstantiated() {
        if (!configured.isBlank()) {
            tokens.add("admin", configured);
            return;
        }
        if (tokens.count() > 0) {
            return;
        }
        String token = TokenHash.newToken();
        tokens.add("admin", token);
        try {
            Files.createDirectories(tokenFile.toAbsolutePath().getParent());
            Files.writeString(tokenFile, token + "\n");
            try {
                Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the file inherits the directory's ACL.
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the admin token file " + tokenFile, e);
        }
        LOG.info("created an admin API token; it is in {} (use it as: Authorization: Bearer <token>)", tokenFile.toAbsolutePath());
    }
}
