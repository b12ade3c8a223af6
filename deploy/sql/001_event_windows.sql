-- eventpipe aggregate job: one row per (window start, event type, source).
-- The job creates this table at start-up when it is missing (postgres.create-table: true) and refuses to start when
-- an existing table does not match. A replayed window rewrites the same row; a row only moves forward (see the
-- upsert in PostgresSink), so results are exactly-once in effect.
CREATE TABLE IF NOT EXISTS event_windows (
    window_start      timestamptz NOT NULL,
    window_end        timestamptz NOT NULL,
    type              text        NOT NULL,
    source            text        NOT NULL,
    event_count       bigint      NOT NULL,
    first_event_time  timestamptz NOT NULL,
    last_event_time   timestamptz NOT NULL,
    metrics           jsonb       NOT NULL DEFAULT '{}',
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (window_start, type, source)
);

CREATE INDEX IF NOT EXISTS event_windows_type_start ON event_windows (type, window_start);
