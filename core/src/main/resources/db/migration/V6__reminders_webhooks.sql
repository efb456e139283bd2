-- Reminders. Each is absolute (remind_at) or relative to the task's due date (due_offset, a canonical ISO-8601
-- duration such as -PT30M; days count in the task's time zone). fire_at is when it fires next: computed from the due
-- date for a relative one (NULL while the task has no due date), moved by a snooze. No foreign key to tasks: deleting a
-- task cancels its reminders, and the next instance of a recurring task still copies its relative ones.
CREATE TABLE reminders (
    id             uuid PRIMARY KEY,
    task_id        uuid        NOT NULL,
    user_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    remind_at      timestamptz,
    due_offset     text,
    fire_at        timestamptz,
    state          text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fired', 'cancelled')),
    fired_at       timestamptz,
    fired_by       text,                            -- the notifier instance that fired it, for diagnosis
    snoozes        integer     NOT NULL DEFAULT 0,
    inherited_from uuid,                            -- the previous instance's reminder it was copied from
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((remind_at IS NULL) <> (due_offset IS NULL)),
    CHECK (remind_at IS NULL OR fire_at IS NOT NULL)
);
-- The notifiers' next timer and their claims: the earliest pending reminder.
CREATE INDEX reminders_fire_idx ON reminders (fire_at) WHERE state = 'pending' AND fire_at IS NOT NULL;
CREATE INDEX reminders_task_idx ON reminders (task_id);
-- GET /reminders/pending pages by (fire_at, id) within one user.
CREATE INDEX reminders_user_pending_idx ON reminders (user_id, fire_at, id) WHERE state = 'pending';
-- One reminder per offset and per instant on a task: a repeat is a conflict, and copying to a new instance is idempotent.
CREATE UNIQUE INDEX reminders_task_offset_key ON reminders (task_id, due_offset) WHERE due_offset IS NOT NULL;
CREATE UNIQUE INDEX reminders_task_at_key ON reminders (task_id, remind_at) WHERE remind_at IS NOT NULL;

-- Re-arm every notifier's timer when a reminder is scheduled or rescheduled (delivered at commit, once per transaction).
CREATE FUNCTION reminders_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('reminders', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER reminders_notify AFTER INSERT OR UPDATE OF fire_at, state ON reminders
    FOR EACH ROW WHEN (NEW.state = 'pending') EXECUTE FUNCTION reminders_notify();

-- Webhooks: a user's HTTP endpoints, each with the event types it wants and the secret its deliveries are signed with.
CREATE TABLE webhooks (
    id         uuid PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url        text        NOT NULL,
    events     text[]      NOT NULL,
    secret     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_user_idx ON webhooks (user_id, created_at);

-- One row per (webhook, event): what is to be sent, its state and when it is tried next. lease_until marks an attempt in
-- flight, so two notifiers never send the same delivery at once and a crashed attempt is retried after the lease.
CREATE TABLE webhook_deliveries (
    id              uuid PRIMARY KEY,
    webhook_id      uuid        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    user_id         uuid        NOT NULL,
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    event           jsonb       NOT NULL,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, created_at DESC, id DESC);

-- Every attempt, as the receiver answered it (status) or why it did not (error).
CREATE TABLE webhook_attempts (
    delivery_id uuid        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt     integer     NOT NULL,
    started_at  timestamptz NOT NULL,
    duration_ms integer     NOT NULL,
    status      integer,
    error       text,
    PRIMARY KEY (delivery_id, attempt)
);

-- Wake the dispatchers when deliveries are queued: per row, so a statement that queues nothing (an event no webhook
-- asked for) sends nothing; PostgreSQL folds a transaction's identical notifications into one.
CREATE FUNCTION webhook_deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('webhook_deliveries', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER webhook_deliveries_notify AFTER INSERT ON webhook_deliveries
    FOR EACH ROW EXECUTE FUNCTION webhook_deliveries_notify();
