-- Organisation-wide kill switches (seed 000: "automation_enabled=false", "safe_mode=true" as immediate
-- actions). One row per switch, held in the database so that every node reads the same answer; who
-- changed it, when and through which interface is here and, with before and after, in the audit log.
CREATE TABLE kill_switch (
    name        VARCHAR(40) PRIMARY KEY,
    enabled     BOOLEAN NOT NULL,
    changed_at  TIMESTAMP WITH TIME ZONE,
    changed_by  VARCHAR(200),
    via         VARCHAR(40)
);
-- automation: on (automated actions are sent); safe_mode: off.
INSERT INTO kill_switch (name, enabled) VALUES ('automation', TRUE);
INSERT INTO kill_switch (name, enabled) VALUES ('safe_mode', FALSE);
