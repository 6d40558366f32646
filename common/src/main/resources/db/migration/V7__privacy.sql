-- Per-project privacy policy (applied by the gateway before events leave it) with a per-project
-- salt for hashed fields, and the daily audit of which personal-data fields arrived (names and
-- counts only, never values).
ALTER TABLE projects
    ADD COLUMN privacy jsonb NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN privacy_salt text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text);

CREATE TABLE pii_audit (
    project_id text   NOT NULL,
    day        date   NOT NULL,
    field      text   NOT NULL,
    events     bigint NOT NULL,
    PRIMARY KEY (project_id, day, field)
);
