-- Web Push (RFC 8030/8291/8292): a user's browsers (one row per device's PushSubscription), and one delivery per
-- (subscription, reminder firing), so a redelivered fired event pushes at most once per reminder and device.
CREATE TABLE push_subscriptions (
    id         uuid PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint   text        NOT NULL,
    p256dh     text        NOT NULL,
    auth       text        NOT NULL,
    user_agent text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, endpoint)
);
CREATE INDEX push_subscriptions_user_idx ON push_subscriptions (user_id, created_at);

-- lease_until marks an attempt in flight, as for webhook deliveries. A subscription the push service says is gone
-- (404/410) is deleted, and its deliveries with it.
CREATE TABLE push_deliveries (
    id              uuid PRIMARY KEY,
    subscription_id uuid        NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
    user_id         uuid        NOT NULL,
    event_id        uuid        NOT NULL,
    reminder_id     uuid        NOT NULL,
    fired_at        timestamptz NOT NULL,
    payload         jsonb       NOT NULL,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    last_status     integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    UNIQUE (subscription_id, reminder_id, fired_at)
);
CREATE INDEX push_deliveries_due_idx ON push_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX push_deliveries_finished_idx ON push_deliveries (finished_at) WHERE state <> 'pending';
CREATE INDEX push_deliveries_subscription_idx ON push_deliveries (subscription_id, created_at DESC);

CREATE FUNCTION push_deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('push_deliveries', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER push_deliveries_notify AFTER INSERT ON push_deliveries
    FOR EACH ROW EXECUTE FUNCTION push_deliveries_notify();
