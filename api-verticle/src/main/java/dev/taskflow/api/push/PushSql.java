package dev.taskflow.api.push;

/** The SQL of a user's push subscriptions; every statement is scoped to the user. */
final class PushSql {

  static final String LOCK_USER = "SELECT id FROM users WHERE id = $1 FOR UPDATE";

  /** A browser holds one endpoint: whoever subscribes with it last gets its pushes, not whoever signed in before. */
  static final String TAKE_OVER = "DELETE FROM push_subscriptions WHERE endpoint = $1 AND user_id <> $2";

  static final String COUNT_OTHERS = "SELECT count(*) FROM push_subscriptions WHERE user_id = $1 AND endpoint <> $2";

  /** A new device, or the same endpoint again with (maybe) new keys; {@code inserted} tells which. */
  static final String UPSERT = """
    INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, user_agent)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (user_id, endpoint) DO UPDATE
       SET p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth, user_agent = EXCLUDED.user_agent, updated_at = now()
    RETURNING id, endpoint, user_agent, created_at, updated_at, (xmax = 0) AS inserted
    """;

  /** Each device with its latest delivery (the delivery log's newest row), if any. */
  static final String LIST = """
    SELECT s.id, s.endpoint, s.user_agent, s.created_at, s.updated_at,
           d.state AS last_state, d.attempts AS last_attempts, d.last_status, d.last_error, d.created_at AS last_at,
           d.finished_at AS last_finished_at
      FROM push_subscriptions s
      LEFT JOIN LATERAL (SELECT state, attempts, last_status, last_error, created_at, finished_at FROM push_deliveries
                          WHERE subscription_id = s.id ORDER BY created_at DESC LIMIT 1) d ON true
     WHERE s.user_id = $1 ORDER BY s.created_at, s.id LIMIT $2
    """;

  static final String DELETE = "DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2";

  private PushSql() {
  }
}
