-- The first Slack post of an incident in each channel (or direct message) it was posted to: later
-- posts of the same incident there are replies in its thread (thread_ts), so a channel shows one
-- line per incident instead of one per state change.
CREATE TABLE chat_thread (
    incident_id BIGINT       NOT NULL,
    address     VARCHAR(500) NOT NULL,
    channel_id  VARCHAR(100) NOT NULL, -- where Slack put it (a user id posts into a D... conversation)
    thread_ts   VARCHAR(40)  NOT NULL,
    PRIMARY KEY (incident_id, address)
);
