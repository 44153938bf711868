-- A routing rule can send an incident's chat posts to a channel of its own (seed 002: an error rate
-- of 1-5 % is a Slack notification in #incidents although its severity's channel is #incidents-low).
ALTER TABLE incident ADD COLUMN chat_channel VARCHAR(500);
