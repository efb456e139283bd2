package dev.taskflow.api.sessions;

/** The SQL of sessions and their refresh tokens. Every statement a user's request makes is scoped to that user. */
final class SessionSql {

  static final String COLUMNS = "id, label, created_at, last_used_at, expires_at";

  static final String INSERT_SESSION = """
    INSERT INTO sessions (id, user_id, label, expires_at) VALUES ($1, $2, $3, $4)
    """;

  static final String INSERT_TOKEN = """
    INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)
    """;

  /** Ended on their own: nothing can renew them any more. */
  static final String DELETE_EXPIRED = "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= now()";

  /** The least recently used sessions beyond the most a user may have ($2: how many stay). */
  static final String DELETE_BEYOND = """
    DELETE FROM sessions WHERE id IN (
      SELECT id FROM sessions WHERE user_id = $1 ORDER BY last_used_at DESC, id OFFSET $2)
    RETURNING id
    """;

  /** A refresh token with its session, locked: two renewals with one token queue, and the second is a reuse. */
  static final String TOKEN = """
    SELECT t.session_id, t.expires_at, t.spent_at, s.user_id
      FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
     WHERE t.token_hash = $1
       FOR UPDATE OF t, s
    """;

  static final String SPEND = "UPDATE refresh_tokens SET spent_at = now() WHERE token_hash = $1";

  static final String TOUCH = "UPDATE sessions SET last_used_at = now(), expires_at = $2 WHERE id = $1";

  /** Spent tokens past their own expiry are no longer needed to recognise a reuse. */
  static final String PRUNE_TOKENS = "DELETE FROM refresh_tokens WHERE session_id = $1 AND expires_at <= now()";

  static final String LIST = "SELECT " + COLUMNS
    + " FROM sessions WHERE user_id = $1 AND expires_at > now() ORDER BY last_used_at DESC, id";

  static final String DELETE_ONE = "DELETE FROM sessions WHERE id = $1 AND user_id = $2 RETURNING id";

  static final String DELETE_ALL = "DELETE FROM sessions WHERE user_id = $1 RETURNING id";

  static final String DELETE_OTHERS = "DELETE FROM sessions WHERE user_id = $1 AND id <> $2 RETURNING id";

  static final String DELETE_FAMILY = "DELETE FROM sessions WHERE id = $1";

  /** The account, and whether the token's session is still signed in (one primary-key lookup each). */
  static final String CHECK = """
    SELECT u.id, EXISTS (SELECT 1 FROM sessions s WHERE s.id = $2 AND s.user_id = u.id AND s.expires_at > now())
           AS active
      FROM users u WHERE u.id = $1
    """;

  private SessionSql() {
  }
}
