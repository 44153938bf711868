-- Many nodes on one database.

-- Incident numbers without gaps. An identity column hands out a number before the insert that can
-- still fail (two nodes opening the same dedup key at once: the unique open_key refuses the second
-- insert, its number is gone; PostgreSQL also skips up to 32 numbers after a crash). The number is
-- taken from this one row inside the opening transaction instead: a rolled-back opening gives its
-- number back, and round_robin, which follows incident numbers, does not skip a person.
CREATE TABLE incident_counter (
    id           INT PRIMARY KEY,
    last_number  BIGINT NOT NULL
);
INSERT INTO incident_counter (id, last_number) SELECT 1, COALESCE(MAX(id), 0) FROM incident;

-- The per-key ingest limit, shared by every node: one token bucket row per integration key (its
-- SHA-256, never the key), refilled by elapsed time in the same UPDATE that takes tokens.
CREATE TABLE ingest_bucket (
    key_hash     VARCHAR(64) PRIMARY KEY,
    tokens       DOUBLE PRECISION NOT NULL,
    refilled_ms  BIGINT NOT NULL
);

-- Which node holds a delivery's lease, so the node that takes over a delivery whose sender died can
-- say on the timeline whose attempt was abandoned, and a node renews only the leases it still holds.
ALTER TABLE notification ADD COLUMN leased_by VARCHAR(200);
