-- A number's per-minute limit (SMS, voice) is decided under a lock on that number, shared by every
-- sender of every node: two senders that each read "two sent this minute, limit three" and each sent
-- rang the phone four times. One row per channel and address, made the first time one is limited.
CREATE TABLE destination_lock (
    channel VARCHAR(20)   NOT NULL,
    address VARCHAR(1000) NOT NULL,
    PRIMARY KEY (channel, address)
);

-- When a sender decided to send this delivery (under its destination's lock): it counts against the
-- limit from then until its answer is written (SENT, with sent_at) or its lease ends (not sent after all,
-- or its node died). Cleared whenever the delivery is leased again.
ALTER TABLE notification ADD COLUMN sending_since TIMESTAMP WITH TIME ZONE;
