-- Accounts. event_seq is the per-user event counter: every event a user's change produces takes the next value
-- inside the writing transaction (UPDATE ... RETURNING locks the row), so a user's sequence is gapless and unique.
CREATE TABLE users (
    id               uuid PRIMARY KEY,
    email            text        NOT NULL,
    password_hash    text,                          -- NULL for accounts of an external token issuer
    display_name     text        NOT NULL,
    external_subject text UNIQUE,                   -- "<issuer>|<sub>" for accounts of an external issuer
    created_at       timestamptz NOT NULL DEFAULT now(),
    event_seq        bigint      NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

CREATE TABLE tasks (
    id           uuid PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title        text        NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    description  text        NOT NULL DEFAULT '',
    status       text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed')),
    priority     text        NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    tags         text[]      NOT NULL DEFAULT '{}',
    due_at       timestamptz,
    timezone     text,
    completed_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    version      integer     NOT NULL DEFAULT 1
);
-- The list endpoint pages by (created_at, id), newest first, always within one user.
CREATE INDEX tasks_user_created_idx ON tasks (user_id, created_at DESC, id DESC);
CREATE INDEX tasks_user_due_idx ON tasks (user_id, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX tasks_tags_idx ON tasks USING gin (tags);

-- The transactional outbox: one row per event, written in the same transaction as the change. txid is the writing
-- transaction's id, so the relay can publish in commit order and never skip a transaction that is still open.
CREATE TABLE outbox (
    position     bigserial PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    topic        text        NOT NULL,
    event_key    text        NOT NULL,
    user_id      uuid        NOT NULL,
    sequence     bigint      NOT NULL,
    event        jsonb       NOT NULL,
    txid         xid8        NOT NULL DEFAULT pg_current_xact_id(),
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    UNIQUE (user_id, sequence)
);
CREATE INDEX outbox_unpublished_idx ON outbox (txid, position) WHERE published_at IS NULL;
