-- Heartbeat monitors: due_at is when the next beat must have arrived; claimed like incident timers.
CREATE TABLE heartbeat (
    integration_key  VARCHAR(300) PRIMARY KEY,
    service_id       VARCHAR(200) NOT NULL,
    last_beat_at     TIMESTAMP WITH TIME ZONE,
    due_at           TIMESTAMP WITH TIME ZONE,
    missed           BOOLEAN NOT NULL
);
CREATE INDEX heartbeat_due ON heartbeat (due_at);
