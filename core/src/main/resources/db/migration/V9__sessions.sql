-- Sessions: one per sign-in (login or registration), on one device. A session is a refresh-token family: its
-- refresh tokens are rotated on every use, and each access token carries the session id as its "sid" claim, so
-- revoking the session (deleting its row) stops its access tokens at once and its refresh tokens for good.
CREATE TABLE sessions (
    id           uuid PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        text        NOT NULL,                  -- the device, from its User-Agent
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),    -- the last refresh
    expires_at   timestamptz NOT NULL                   -- that of its newest refresh token
);
CREATE INDEX sessions_user_idx ON sessions (user_id, created_at);

-- The refresh tokens of a session, only as SHA-256 hashes. A spent token is kept until its own expiry: presented
-- again, it is a reuse, and the whole session (family) is revoked.
CREATE TABLE refresh_tokens (
    token_hash bytea PRIMARY KEY,
    session_id uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    spent_at   timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Erasure of a deleted account's history: the audit log stays append-only, except that the audit service may delete
-- one user's rows inside a transaction that names that user in taskflow.erase_user (SET LOCAL), which it does on
-- taskflow.account.deleted only.
CREATE OR REPLACE FUNCTION event_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.user_id::text = current_setting('taskflow.erase_user', true) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'event_log is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
