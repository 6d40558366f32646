-- Resuming the alert stream by time (since=<time>) looks up the last change before a moment.
CREATE INDEX alert_changes_changed_at_idx ON alert_changes (changed_at);
