-- The provider's own id for a delivery (Twilio's message or call SID). Status callbacks name only
-- that id, so it is how a late "undelivered" finds the delivery it is about.
ALTER TABLE notification ADD COLUMN provider_ref VARCHAR(100);
CREATE INDEX notification_provider_ref ON notification (provider_ref);
