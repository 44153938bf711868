-- Decisions that must be made one at a time across every node, each under a lock on one row of its
-- own (SELECT ... FOR UPDATE): whether a message may go to a phone number now under its per-minute
-- limit ("destination sms +15550000003": two senders that each read "two sent this minute, limit
-- three" and each sent rang the phone four times); whether a resolution is a service's second within
-- a postmortem rule's window ("service resolutions api": two resolutions at once each counted only
-- the other's predecessor, and neither required the postmortem). One row per name, made the first
-- time it is needed.
CREATE TABLE named_lock (
    name VARCHAR(1100) NOT NULL PRIMARY KEY
);

-- When a sender decided to send this delivery (under its destination's lock): it counts against the
-- limit from then until its answer is written (SENT, with sent_at) or its lease ends (not sent after all,
-- or its node died). Cleared whenever the delivery is leased again.
ALTER TABLE notification ADD COLUMN sending_since TIMESTAMP WITH TIME ZONE;

-- A resolution counted towards its service's repeats (postmortem rules "when_repeated"), set under the
-- service's lock when its own count was made: a resolution counts the others counted before it, in the
-- order the lock gave them, so two resolutions at once are first and second, never both first (neither
-- requiring the postmortem) nor both second. Every resolution before this column was counted.
ALTER TABLE incident ADD COLUMN resolution_counted BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE incident SET resolution_counted = TRUE WHERE resolved_at IS NOT NULL;
