-- Sluice schema, version 1: tenants, API keys and the canonical event store.
-- All migrations live in sluice-common (db/migration) and nowhere else.

CREATE TABLE projects (
    id                  text        PRIMARY KEY,
    name                text        NOT NULL,
    plan                text        NOT NULL DEFAULT 'free',
    monthly_event_quota bigint,                    -- NULL: unlimited
    allowed_app_ids     text[],                    -- NULL: any app id
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Only the SHA-256 of a key is stored (see ApiKeys); the key itself is shown once.
CREATE TABLE api_keys (
    id          text        PRIMARY KEY,
    project_id  text        NOT NULL REFERENCES projects (id),
    key_hash    text        NOT NULL UNIQUE,
    key_prefix  text        NOT NULL,
    name        text,
    scopes      text[]      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX api_keys_project_idx ON api_keys (project_id);

-- Canonical events, partitioned by day on event time. The primary key includes the partition
-- key (PostgreSQL requires it); event ids are unique on their own, and a replayed event carries
-- the same event time, so ON CONFLICT on this key makes inserts idempotent.
CREATE TABLE events (
    event_id    text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    project_id  text        NOT NULL,
    app_id      text        NOT NULL,
    platform    text,
    app_version text,
    session_id  text,
    type        text        NOT NULL,
    dialect     text,
    request_id  text,
    user_data   jsonb,
    device      jsonb,
    location    jsonb,
    payload     jsonb       NOT NULL,
    tags        jsonb,
    custom      jsonb,
    PRIMARY KEY (event_id, occurred_at)
) PARTITION BY RANGE (occurred_at);

-- Catch-all until day partitions are managed ahead of time.
CREATE TABLE events_default PARTITION OF events DEFAULT;

CREATE INDEX events_project_app_type_time_idx ON events (project_id, app_id, type, occurred_at);
