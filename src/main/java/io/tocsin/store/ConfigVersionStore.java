package io.tocsin.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class ConfigVersionStore {
    private final JdbcClient jdbc;

    public ConfigVersionStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Adds the next version; the primary key makes two concurrent activations of the same number impossible. */
    public ConfigVersion append(ConfigVersion v) {
        jdbc.sql("INSERT INTO config_version (version, applied_at, applied_by, source_text, diff, checksum) VALUES (?, ?, ?, ?, ?, ?)")
                .params(v.version(), Timestamps.of(v.appliedAt()), v.appliedBy(), v.sourceText(), v.diff(), v.checksum())
                .update();
        return v;
    }

    public Optional<ConfigVersion> latest() {
        return jdbc.sql("SELECT * FROM config_version ORDER BY version DESC LIMIT 1").query(ConfigVersionStore::map).optional();
    }

    public Optional<ConfigVersion> find(long version) {
        return jdbc.sql("SELECT * FROM config_version WHERE version = ?").param(version).query(ConfigVersionStore::map).optional();
    }

    /** The newest version whose files had this checksum, if any was ever activated. */
    public Optional<Long> versionWithChecksum(String checksum) {
        return jdbc.sql("SELECT version FROM config_version WHERE checksum = ? ORDER BY version DESC LIMIT 1").param(checksum).query(Long.class).optional();
    }

    /** Newest first, without source text (it can be large). */
    public List<ConfigVersion> list(int limit) {
        return jdbc.sql("SELECT version, applied_at, applied_by, '' AS source_text, '' AS diff, checksum FROM config_version ORDER BY version DESC LIMIT ?")
                .param(limit).query(ConfigVersionStore::map).list();
    }

    private static ConfigVersion map(ResultSet rs, int row) throws SQLException {
        return new ConfigVersion(rs.getLong("version"), Timestamps.toInstant(rs.getObject("applied_at", OffsetDateTime.class)),
                rs.getString("applied_by"), rs.getString("source_text"), rs.getString("diff"), rs.getString("checksum"));
    }
}
