-- Per-key rate limits (NULL: the gateway's defaults) and monthly usage per project.

ALTER TABLE api_keys
    ADD COLUMN rate_limit_per_minute integer CHECK (rate_limit_per_minute > 0),
    ADD COLUMN rate_limit_burst      integer CHECK (rate_limit_burst > 0);

-- Accepted events per project and calendar month (UTC), incremented in batches by every gateway
-- replica; the sum over replicas is the project's usage against its plan quota.
CREATE TABLE project_usage (
    project_id text    NOT NULL REFERENCES projects (id),
    month      date    NOT NULL,   -- first day of the month, UTC
    events     bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, month)
);

-- Every change to a key or a project is announced on channel sluice_keys, whoever makes it (the
-- admin API or an operator with psql): gateways drop the affected cache entries at once, so a
-- revocation takes effect on every replica within a second instead of at cache expiry.
CREATE FUNCTION sluice_notify_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'api_keys' THEN
        PERFORM pg_notify('sluice_keys', 'key:' || COALESCE(NEW.key_hash, OLD.key_hash));
    ELSE
        PERFORM pg_notify('sluice_keys', 'project:' || COALESCE(NEW.id, OLD.id));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_changed AFTER UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION sluice_notify_key_change();
CREATE TRIGGER projects_changed AFTER UPDATE OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION sluice_notify_key_change();
