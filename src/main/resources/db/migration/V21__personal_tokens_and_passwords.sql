-- Personal and service API tokens with scopes and expiry, and people's UI passwords (issue 12).
--
-- kind: 'admin' (the bootstrap token from first start, and every token issued before this version,
-- which could already do everything), 'person' (acts as person_id) or 'service' (acts as itself,
-- "service:NAME"). scopes: a comma-separated subset of read, write, admin. An expired token
-- authenticates nothing; its row stays so the listing can say it expired.
ALTER TABLE api_token ADD COLUMN kind VARCHAR(16) DEFAULT 'admin' NOT NULL;
ALTER TABLE api_token ADD COLUMN person_id VARCHAR(200);
ALTER TABLE api_token ADD COLUMN scopes VARCHAR(64) DEFAULT 'read,write,admin' NOT NULL;
ALTER TABLE api_token ADD COLUMN expires_at TIMESTAMP WITH TIME ZONE;

-- A person's password for the UI, as a bcrypt hash (its salt and cost are in the string).
CREATE TABLE person_password (
    person_id      VARCHAR(200) PRIMARY KEY,
    password_hash  VARCHAR(255) NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
