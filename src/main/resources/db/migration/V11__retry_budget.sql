-- A delivery retries for a span of time (the retry budget), not a count of attempts: a provider down
-- for half an hour must not lose the page. The budget runs from the first attempt, which is kept here
-- (the delivery's created_at can be long before it was due, and due_at moves with every retry).
ALTER TABLE notification ADD COLUMN first_attempt_at TIMESTAMP WITH TIME ZONE;
-- How many times a dead letter was sent again because its destination recovered.
ALTER TABLE notification ADD COLUMN redriven INT DEFAULT 0 NOT NULL;
