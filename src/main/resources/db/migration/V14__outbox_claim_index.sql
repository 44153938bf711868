-- The dispatcher claims pending outbox rows oldest first (ORDER BY id); with (status, id) that is a
-- short range read instead of sorting every pending row of a storm on each claim.
CREATE INDEX outbox_claim ON outbox (status, id);
