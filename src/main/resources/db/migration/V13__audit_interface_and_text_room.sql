-- The audit log says through which interface a mutation came (api, ui, slack, sms, voice, link, an
-- integration, startup) and what the subject looked like before and after it (JSON: an incident's
-- status, severity, who acknowledged, who is engaged...), not only who did what when.
ALTER TABLE audit_entry ADD COLUMN via VARCHAR(40);
ALTER TABLE audit_entry ADD COLUMN before_state TEXT;
ALTER TABLE audit_entry ADD COLUMN after_state TEXT;
CREATE INDEX audit_entry_subject ON audit_entry (subject, id);

-- A message's text is its timeline entry's (a reassignment lists every target and its people, and a
-- reason of up to 1000 characters): 1000 characters did not hold it, so a long reason answered 500.
-- Deliveries already copy it into 16000 characters.
ALTER TABLE outbox ALTER COLUMN reason SET DATA TYPE VARCHAR(16000);
-- What opened an incident is named on its first entry by the alert's source, which may be as long as
-- incident.source (255): a PagerDuty source of 201 characters answered 500.
ALTER TABLE incident_entry ALTER COLUMN actor SET DATA TYPE VARCHAR(255);
-- The people of an entry (everyone a level or a reassignment paged) outgrew 2000 characters with a team
-- or a few schedules.
ALTER TABLE incident_entry ALTER COLUMN people SET DATA TYPE VARCHAR(16000);

-- A chat post's recipient is its channel, which may be a Slack or Teams webhook URL (a Teams workflow
-- URL runs to 300 characters and more): the recipient and the keys that embed it must hold the 500
-- characters the configuration allows a channel (as incident.chat_channel does).
ALTER TABLE outbox ALTER COLUMN person_id SET DATA TYPE VARCHAR(500);
ALTER TABLE outbox ALTER COLUMN idempotency_key SET DATA TYPE VARCHAR(1000);
ALTER TABLE notification ALTER COLUMN person_id SET DATA TYPE VARCHAR(500);
ALTER TABLE notification ALTER COLUMN idempotency_key SET DATA TYPE VARCHAR(1200);
