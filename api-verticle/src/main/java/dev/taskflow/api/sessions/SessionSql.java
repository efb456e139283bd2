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

  /**
   * The least recently used sessions beyond the most a user may have ($2: how many stay besides the new one, $3),
   * never the session just opened (its last_used_at can tie with older ones, and the id order would then decide).
   */
  static final String DELETE_BEYOND = """
    DELETE FROM sessions WHERE id IN (
      SELECT id FROM sessions WHERE user_id = $1 AND id <> $3 ORDER BY last_used_at DESC, id OFFSET $2)
    RETURNING id
    """;

  /**
   * Locks the session of a refresh token, first: a logout deletes the session row and then (cascading) its tokens,
   * so a renewal takes its locks in that same order (session, then token) and the two cannot deadlock. Two renewals
   * of one session queue here.
   */
  static final String LOCK_SESSION = """
    SELECT s.id FROM sessions s
     WHERE s.id = (SELECT t.session_id FROM refresh_tokens t WHERE t.token_hash = $1)
       FOR UPDATE
    """;

  /**
   * A refresh token with its session, locked (after {@link #LOCK_SESSION}). {@code latest}: no later token of the
   * session was spent after it, so its successor is still unused; {@code in_grace}: it was spent at most $2 seconds
   * ago.
   */
  static final String TOKEN = """
    SELECT t.session_id, t.expires_at, t.spent_at, s.user_id,
           NOT EXISTS (SELECT 1 FROM refresh_tokens o
                        WHERE o.session_id = t.session_id AND o.spent_at > t.spent_at) AS latest,
           t.spent_at > now() - make_interval(secs => $2) AS in_grace
      FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
     WHERE t.token_hash = $1
       FOR UPDATE OF t
    """;

  /** clock_timestamp, not now(): two renewals of one session must never share a spent_at (see {@link #TOKEN}). */
  static final String SPEND = "UPDATE refresh_tokens SET spent_at = clock_timestamp() WHERE token_hash = $1";

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
