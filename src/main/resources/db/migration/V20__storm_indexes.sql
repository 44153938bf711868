-- A delivery that goes through looks for dead letters to the same destination to send again. By
-- (channel, address) alone that read walked every delivery ever sent there: in a storm to one person
-- or one webhook, each send read all the sends before it. Status first keeps it to the dead ones.
CREATE INDEX notification_dead_destination ON notification (status, channel, address);

-- The lane of rate-limited channels (SMS, voice) looks for its next delivery one channel at a time;
-- without this it walked every waiting delivery of the other channels to find none of its own.
CREATE INDEX notification_lane ON notification (status, channel, due_at);
