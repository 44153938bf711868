-- Which step of the policy sent a message (its cause on the timeline, and the path, level or trigger),
-- so the API can say why each page, notice and chat post went out, and a simulation can be compared
-- with what a server sent, message by message.
ALTER TABLE outbox ADD COLUMN cause VARCHAR(40);
ALTER TABLE outbox ADD COLUMN path_id VARCHAR(200);
ALTER TABLE outbox ADD COLUMN level_id VARCHAR(200);
ALTER TABLE outbox ADD COLUMN trigger_id VARCHAR(300);
