-- Dialects without an app id of their own (flat /ingest, CanaryHub, Trenchcoat) store their
-- events under the project's default app id; a project may pin the dialect of /api/v1/events.
ALTER TABLE projects
    ADD COLUMN default_app_id text NOT NULL DEFAULT 'default',
    ADD COLUMN events_dialect text CHECK (events_dialect IN ('canaryhub', 'trenchcoat'));

-- Client idempotency keys (flat event_id): the first event with a keyed id is stored, later ones
-- with the same id are dropped even when their event time differs. Kept for a window that the
-- scorer enforces (sluice.scorer.idempotency-window); rows older than it are deleted.
CREATE TABLE event_keys (
    event_id   text        PRIMARY KEY,
    project_id text        NOT NULL,
    first_seen timestamptz NOT NULL
);
CREATE INDEX event_keys_first_seen_idx ON event_keys (first_seen);

-- Retention keeps every event at least `retention` after it ARRIVED: rows parked in the default
-- partition (event times outside the prepared days, e.g. a Trenchcoat replay of last year's
-- sessions) are dropped only once both their event time and their arrival are past retention.
CREATE OR REPLACE FUNCTION sluice_drop_event_partitions(before_day date) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    part    record;
    dropped int := 0;
    cutoff  timestamptz := before_day::timestamp AT TIME ZONE 'UTC';
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('sluice_event_partitions'));
    FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'events'::regclass AND c.relname ~ '^events_[0-9]{8}$'
          AND to_date(substring(c.relname from 8), 'YYYYMMDD') < before_day
    LOOP
        EXECUTE format('DROP TABLE %I', part.relname);
        dropped := dropped + 1;
    END LOOP;
    DELETE FROM events_default WHERE occurred_at < cutoff AND received_at < cutoff;
    RETURN dropped;
END
$$;
