-- Rate limits per destination ("no more than a handful of SMS a minute to one number") count recent
-- sends to one address; this keeps that a short index range scan however many deliveries exist.
CREATE INDEX notification_destination ON notification (channel, address, sent_at);
