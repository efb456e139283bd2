package dev.taskflow.notifier.webhooks;

/**
 * The SQL of sending webhook deliveries. A delivery is in flight while its lease runs; a webhook has at most
 * {@code perWebhook} deliveries in flight, so one slow receiver holds only its own slots, and a user at most
 * {@code perUser} over all their webhooks, so many slow receivers of one user cannot hold every slot either (a user at
 * the cap waits without taking any); a lease that runs out (its notifier died mid-attempt) makes the delivery due
 * again. The caps count leases of every notifier, as the claims do.
 */
final class WebhookSql {

  private static final String IN_FLIGHT = """
    WITH in_flight AS (
      SELECT webhook_id, user_id, count(*) AS n FROM webhook_deliveries
       WHERE state = 'pending' AND lease_until >= clock_timestamp()
       GROUP BY webhook_id, user_id),
    user_in_flight AS (SELECT user_id, sum(n) AS n FROM in_flight GROUP BY user_id)
    """;

  /**
   * Milliseconds until the next delivery may be claimed (or a lease runs out); NULL when none is waiting. $1 is the
   * per-webhook cap, $2 the per-user cap: a delivery waiting behind a full cap is due when a lease ends.
   */
  static final String NEXT_DUE = IN_FLIGHT + """
    SELECT ceil(extract(epoch FROM min(CASE WHEN d.lease_until >= clock_timestamp() THEN d.lease_until
                                            ELSE d.next_attempt_at END) - clock_timestamp()) * 1000)::int8
      FROM webhook_deliveries d LEFT JOIN in_flight i ON i.webhook_id = d.webhook_id
      LEFT JOIN user_in_flight u ON u.user_id = d.user_id
     WHERE d.state = 'pending'
       AND (d.lease_until >= clock_timestamp() OR (coalesce(i.n, 0) < $1 AND coalesce(u.n, 0) < $2))
    """;

  /**
   * Claims up to $1 due deliveries, at most $3 in flight per webhook and $4 per user, leasing each for $2 seconds and
   * counting the attempt. The lease condition is checked again on each row as it is updated, so two notifiers never
   * claim the same delivery.
   */
  static final String CLAIM = IN_FLIGHT + """
    , ranked AS (
      SELECT d.id, d.user_id, d.next_attempt_at,
             row_number() OVER (PARTITION BY d.webhook_id ORDER BY d.next_attempt_at, d.id) + coalesce(i.n, 0) AS slot
        FROM webhook_deliveries d LEFT JOIN in_flight i ON i.webhook_id = d.webhook_id
       WHERE d.state = 'pending' AND d.next_attempt_at <= clock_timestamp()
         AND (d.lease_until IS NULL OR d.lease_until < clock_timestamp())),
    user_ranked AS (
      SELECT r.id, r.next_attempt_at,
             row_number() OVER (PARTITION BY r.user_id ORDER BY r.next_attempt_at, r.id) + coalesce(u.n, 0) AS slot
        FROM ranked r LEFT JOIN user_in_flight u ON u.user_id = r.user_id
       WHERE r.slot <= $3),
    chosen AS (SELECT id FROM user_ranked WHERE slot <= $4 ORDER BY next_attempt_at, id LIMIT $1)
    UPDATE webhook_deliveries d
       SET lease_until = clock_timestamp() + make_interval(secs => $2), attempts = d.attempts + 1
      FROM chosen c, webhooks w
     WHERE d.id = c.id AND w.id = d.webhook_id
       AND d.state = 'pending' AND (d.lease_until IS NULL OR d.lease_until < clock_timestamp())
    RETURNING d.id, d.webhook_id, d.event_type, d.event, d.attempts, w.url, w.secret
    """;

  static final String RECORD_ATTEMPT = """
    INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status, error)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT DO NOTHING
    """;

  /**
   * The outcome, unless the lease ran out and another attempt has started meanwhile ($6: the attempt this was).
   * $5 is the wait before the next attempt, NULL when there is none.
   */
  static final String FINISH_ATTEMPT = """
    UPDATE webhook_deliveries
       SET state = $2, lease_until = NULL, last_status = $3, last_error = $4,
           next_attempt_at = CASE WHEN $5::float8 IS NULL THEN next_attempt_at
                                  ELSE clock_timestamp() + make_interval(secs => $5) END,
           finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE clock_timestamp() END
     WHERE id = $1 AND attempts = $6
    """;

  private WebhookSql() {
  }
}
