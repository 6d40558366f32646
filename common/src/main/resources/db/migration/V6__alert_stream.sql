-- Every gateway replica LISTENs on sluice_alert_changes and then reads the change log from where
-- it left off: one notification per inserting statement is enough (the payload is not needed).
CREATE FUNCTION sluice_alert_changes_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sluice_alert_changes', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER alert_changes_notify AFTER INSERT ON alert_changes
    FOR EACH STATEMENT EXECUTE FUNCTION sluice_alert_changes_notify();

-- Reads of the alert API: newest first within a project, and signals by version.
CREATE INDEX alerts_project_time_idx ON alerts (project_id, triggered_at DESC, alert_id DESC);
CREATE INDEX signals_os_idx ON signals (project_id, app_id, os_version, occurred_at DESC);
