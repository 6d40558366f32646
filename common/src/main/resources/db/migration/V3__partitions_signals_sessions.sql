-- Day partitions for events, and the records the scorer derives from newly stored events:
-- signals, agent reports, sessions and daily rollups.

-- Creates (or, when rows for those days already sit in the default partition, carves out) one
-- partition per UTC day from first_day for the given number of days. Safe to run concurrently
-- from several scorers: an advisory lock serializes it. Returns the number of partitions made.
CREATE FUNCTION sluice_ensure_event_partitions(first_day date, days int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    d       date;
    name    text;
    lower_b timestamptz;
    upper_b timestamptz;
    made    int := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('sluice_event_partitions'));
    FOR i IN 0 .. days - 1 LOOP
        d := first_day + i;
        name := 'events_' || to_char(d, 'YYYYMMDD');
        CONTINUE WHEN to_regclass(name) IS NOT NULL;
        lower_b := d::timestamp AT TIME ZONE 'UTC';
        upper_b := (d + 1)::timestamp AT TIME ZONE 'UTC';
        EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
        -- Late rows for this day that landed in the default partition move to their own.
        EXECUTE format('WITH moved AS (DELETE FROM events_default WHERE occurred_at >= %L AND occurred_at < %L RETURNING *) '
                       'INSERT INTO %I SELECT * FROM moved', lower_b, upper_b, name);
        EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lower_b, upper_b);
        made := made + 1;
    END LOOP;
    RETURN made;
END
$$;

-- Drops day partitions older than before_day, and old rows parked in the default partition.
-- Returns the number of partitions dropped.
CREATE FUNCTION sluice_drop_event_partitions(before_day date) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    part    record;
    dropped int := 0;
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
    DELETE FROM events_default WHERE occurred_at < (before_day::timestamp AT TIME ZONE 'UTC');
    RETURN dropped;
END
$$;

-- Error and performance events. signal_id is 'sig_' + the event id's body: deterministic, so a
-- replay derives the same id.
CREATE TABLE signals (
    signal_id   text        PRIMARY KEY,
    event_id    text        NOT NULL,
    project_id  text        NOT NULL,
    app_id      text        NOT NULL,
    type        text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    platform    text,
    app_version text,
    os_version  text,
    session_id  text,
    name        text,       -- exception, screen, endpoint or CanaryHub name: what groups signals
    payload     jsonb       NOT NULL
);
CREATE INDEX signals_query_idx ON signals (project_id, app_id, type, occurred_at DESC);
CREATE INDEX signals_version_idx ON signals (project_id, app_version, occurred_at DESC);

-- agent_report events as their own records, linked to the alerts and signals they name.
CREATE TABLE agent_reports (
    report_id   text        PRIMARY KEY,  -- the event id
    project_id  text        NOT NULL,
    app_id      text        NOT NULL,
    agent_id    text        NOT NULL,
    status      text        NOT NULL,
    summary     text        NOT NULL,
    signal_ids  text[]      NOT NULL DEFAULT '{}',
    alert_ids   text[]      NOT NULL DEFAULT '{}',
    root_cause  text,
    fix_applied text,
    next_action text,
    confidence  double precision,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL
);
CREATE INDEX agent_reports_project_idx ON agent_reports (project_id, occurred_at DESC);
CREATE INDEX agent_reports_alerts_idx ON agent_reports USING gin (alert_ids);
CREATE INDEX agent_reports_signals_idx ON agent_reports USING gin (signal_ids);

-- One row per (project, session): CC session_id or Trenchcoat session.
CREATE TABLE sessions (
    project_id          text        NOT NULL,
    session_id          text        NOT NULL,
    app_id              text        NOT NULL,
    platform            text,
    app_version         text,
    first_seen          timestamptz NOT NULL,
    last_seen           timestamptz NOT NULL,
    events              bigint      NOT NULL,
    crashed             boolean     NOT NULL DEFAULT false,
    started_at          timestamptz,          -- Trenchcoat session_start
    ended_at            timestamptz,          -- Trenchcoat session_end
    tool_uses           bigint      NOT NULL DEFAULT 0,
    failed_tool_results bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, session_id)
);
CREATE INDEX sessions_app_seen_idx ON sessions (project_id, app_id, last_seen DESC);

-- CanaryHub 'event' events per project, app, name and UTC day.
CREATE TABLE daily_rollups (
    project_id text    NOT NULL,
    app_id     text    NOT NULL,
    name       text    NOT NULL,
    day        date    NOT NULL,
    count      bigint  NOT NULL,
    sum_value  double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, app_id, name, day)
);
