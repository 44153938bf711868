-- A timer whose processing fails is postponed with backoff instead of blocking the queue;
-- failures counts the attempts so the backoff grows, and resets when the timer is set anew.
ALTER TABLE incident_timer ADD COLUMN failures INTEGER DEFAULT 0 NOT NULL;
