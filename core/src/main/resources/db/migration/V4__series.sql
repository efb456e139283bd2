-- Recurring series. dtstart and exdates are local (wall-clock) times in the series' IANA zone; occurrences are placed
-- in time per RFC 5545 (see Recurrence in the recurrence verticle). The template is what each new instance copies.
CREATE TABLE series (
    id                 uuid PRIMARY KEY,
    user_id            uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    rrule              text        NOT NULL,
    dtstart            timestamp   NOT NULL,
    timezone           text        NOT NULL,
    exdates            timestamp[] NOT NULL DEFAULT '{}',
    anchor             text        NOT NULL DEFAULT 'schedule' CHECK (anchor IN ('schedule', 'completion')),
    spawn              text        NOT NULL DEFAULT 'on_completion' CHECK (spawn IN ('on_completion', 'on_schedule')),
    template           jsonb       NOT NULL,
    last_occurrence_at timestamptz NOT NULL,       -- the newest instance's occurrence
    next_occurrence_at timestamptz,                -- the next one the rule gives; NULL when the series has ended
    instances          integer     NOT NULL DEFAULT 1,
    active             boolean     NOT NULL DEFAULT true,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX series_user_idx ON series (user_id) WHERE active;
CREATE INDEX series_schedule_idx ON series (next_occurrence_at) WHERE active AND spawn = 'on_schedule';

ALTER TABLE tasks
    ADD COLUMN series_id     uuid REFERENCES series (id) ON DELETE SET NULL,
    ADD COLUMN occurrence_at timestamptz;
-- What makes spawning idempotent: one instance per occurrence of a series.
CREATE UNIQUE INDEX tasks_series_occurrence_key ON tasks (series_id, occurrence_at);

-- Wake the scheduling recurrence verticles when a series changes.
CREATE FUNCTION series_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('series', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER series_notify AFTER INSERT OR UPDATE ON series FOR EACH STATEMENT EXECUTE FUNCTION series_notify();
