-- The audit service's copy of every event. The database keeps it append-only: UPDATE, DELETE and TRUNCATE are
-- refused, whoever asks.
CREATE TABLE event_log (
    event_id    uuid PRIMARY KEY,
    user_id     uuid        NOT NULL,
    sequence    bigint      NOT NULL,
    type        text        NOT NULL,
    subject     text,
    occurred_at timestamptz NOT NULL,
    topic       text        NOT NULL,
    event       jsonb       NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, sequence)
);
CREATE INDEX event_log_user_subject_idx ON event_log (user_id, subject, sequence);
CREATE INDEX event_log_user_type_idx ON event_log (user_id, type, sequence);

CREATE FUNCTION event_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'event_log is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER event_log_no_change BEFORE UPDATE OR DELETE ON event_log
    FOR EACH ROW EXECUTE FUNCTION event_log_append_only();
CREATE TRIGGER event_log_no_truncate BEFORE TRUNCATE ON event_log
    FOR EACH STATEMENT EXECUTE FUNCTION event_log_append_only();
