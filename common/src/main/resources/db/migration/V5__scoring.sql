-- Alert scoring: per-minute health counters, crash signatures, per-app evaluation state, alerts
-- with their ordered change log, and an outbox cursor for publishing changes to Kafka.

ALTER TABLE sessions ADD COLUMN os_version text;
-- Per-project overrides of the scoring thresholds (docs/scoring.md), e.g.
-- {"crash_rate_spike": {"min_ratio": 3.0}}.
ALTER TABLE projects ADD COLUMN scoring jsonb NOT NULL DEFAULT '{}'::jsonb;
-- Agent reports are applied to alerts once; the flag makes that idempotent across replicas.
ALTER TABLE agent_reports ADD COLUMN applied boolean NOT NULL DEFAULT false;
CREATE INDEX agent_reports_pending_idx ON agent_reports (received_at) WHERE NOT applied;

-- Counters per UTC minute (event time), derived from newly stored events only, so a replay adds
-- nothing. Dimensions not relevant to a metric are ''. dim_key is the screen (anr, slow_render,
-- screen_view, friction), the endpoint (network_error) or the CanaryHub name (error).
CREATE TABLE health_minutes (
    project_id  text             NOT NULL,
    app_id      text             NOT NULL,
    minute      timestamptz      NOT NULL,
    metric      text             NOT NULL,
    platform    text             NOT NULL DEFAULT '',
    os_version  text             NOT NULL DEFAULT '',
    app_version text             NOT NULL DEFAULT '',
    dim_key     text             NOT NULL DEFAULT '',
    count       bigint           NOT NULL,
    sum_value   double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, app_id, minute, metric, platform, os_version, app_version, dim_key)
);

-- Crash signature = exception + top stack frame, per app, with where it was first seen.
CREATE TABLE crash_signatures (
    project_id    text        NOT NULL,
    app_id        text        NOT NULL,
    signature     text        NOT NULL,
    exception     text        NOT NULL,
    top_frame     text        NOT NULL,
    first_seen    timestamptz NOT NULL,
    first_version text,
    last_seen     timestamptz NOT NULL,
    occurrences   bigint      NOT NULL,
    PRIMARY KEY (project_id, app_id, signature)
);

-- Event-time progress per app: the evaluator scores each minute once, up to the watermark.
CREATE TABLE scoring_state (
    project_id      text        NOT NULL,
    app_id          text        NOT NULL,
    first_seen      timestamptz NOT NULL,
    watermark       timestamptz NOT NULL,
    evaluated_until timestamptz,
    PRIMARY KEY (project_id, app_id)
);

CREATE TABLE alerts (
    alert_id           text             PRIMARY KEY,
    project_id         text             NOT NULL,
    app_id             text             NOT NULL,
    pattern            text             NOT NULL,
    dimension_kind     text             NOT NULL,
    dimension_value    text             NOT NULL,
    signal_type        text             NOT NULL,
    severity           text             NOT NULL CHECK (severity IN ('critical', 'warning')),
    status             text             NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
    title              text             NOT NULL,
    description        text             NOT NULL,
    recommended_action text             NOT NULL,
    score              double precision NOT NULL,
    signal_ids         text[]           NOT NULL DEFAULT '{}',
    evidence           jsonb            NOT NULL,
    needs_human        boolean          NOT NULL DEFAULT false,
    triggered_at       timestamptz      NOT NULL,  -- event time of the window that first breached
    last_breach_at     timestamptz      NOT NULL,  -- event time of the latest breaching window
    acknowledged_at    timestamptz,
    resolved_at        timestamptz,
    resolution         jsonb,
    created_at         timestamptz      NOT NULL DEFAULT now(),
    updated_at         timestamptz      NOT NULL DEFAULT now()
);
-- One alert per incident: at most one unresolved alert per project, app, pattern and dimension.
CREATE UNIQUE INDEX alerts_one_open_idx ON alerts (project_id, app_id, pattern, dimension_kind, dimension_value)
    WHERE status <> 'resolved';
CREATE INDEX alerts_list_idx ON alerts (project_id, status, triggered_at DESC);

-- Every alert change and agent report, in commit order: writers take an advisory lock before
-- inserting, so change ids become visible in increasing order (readers never skip one).
CREATE TABLE alert_changes (
    change_id  bigserial   PRIMARY KEY,
    alert_id   text        NOT NULL,
    project_id text        NOT NULL,
    app_id     text        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('alert.opened', 'alert.updated', 'alert.resolved', 'agent_report')),
    changed_at timestamptz NOT NULL DEFAULT now(),
    body       jsonb       NOT NULL
);
CREATE INDEX alert_changes_project_idx ON alert_changes (project_id, change_id);

-- How far alert_changes has been published to Kafka (sluice.alerts).
CREATE TABLE alert_outbox (
    name              text   PRIMARY KEY,
    published_through bigint NOT NULL
);
INSERT INTO alert_outbox (name, published_through) VALUES ('kafka', 0);
