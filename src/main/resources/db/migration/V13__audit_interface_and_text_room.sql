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
-- The people of an entry (everyone a level or a reassignment paged) outgrew 2000 characters with a team
-- or a few schedules.
ALTER TABLE incident_entry ALTER COLUMN people SET DATA TYPE VARCHAR(16000);
