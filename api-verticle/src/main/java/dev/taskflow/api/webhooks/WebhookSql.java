package dev.taskflow.api.webhooks;

/** The SQL of the webhook endpoints. Every statement is scoped to one user; the secret is read only at creation. */
final class WebhookSql {

  static final String COLUMNS = "id, url, events, created_at";

  static final String COUNT = "SELECT count(*) FROM webhooks WHERE user_id = $1";

  static final String INSERT = """
    INSERT INTO webhooks (id, user_id, url, events, secret) VALUES ($1, $2, $3, $4, $5)
    RETURNING""" + " " + COLUMNS;

  static final String LIST = "SELECT " + COLUMNS + " FROM webhooks WHERE user_id = $1 ORDER BY created_at, id";

  static final String BY_ID = "SELECT " + COLUMNS + " FROM webhooks WHERE id = $1 AND user_id = $2";

  static final String DELETE = "DELETE FROM webhooks WHERE id = $1 AND user_id = $2";

  /** Newest first, keyset-paged on (created_at, id), each with its attempts. */
  static final String DELIVERIES = """
    SELECT d.id, d.event_id, d.event_type, d.state, d.attempts, d.next_attempt_at, d.last_status, d.last_error,
           d.created_at, d.finished_at,
           coalesce((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'startedAt', a.started_at,
                                                          'durationMs', a.duration_ms, 'status', a.status,
                                                          'error', a.error) ORDER BY a.attempt)
                       FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]'::jsonb) AS attempt_log
      FROM webhook_deliveries d
     WHERE d.webhook_id = $1 AND d.user_id = $2
       AND ($3::timestamptz IS NULL OR (d.created_at, d.id) < ($3, $4::uuid))
     ORDER BY d.created_at DESC, d.id DESC
     LIMIT $5
    """;

  private WebhookSql() {
  }
}
