package dev.taskflow.notifier.push;

/**
 * The SQL of sending push deliveries. A delivery is in flight while its lease runs; a lease that runs out (its
 * notifier died mid-attempt) makes it due again. Claims skip rows another notifier is claiming.
 */
final class PushSql {

  /** Milliseconds until the next delivery may be claimed (or a lease runs out); NULL when none is waiting. */
  static final String NEXT_DUE = """
    SELECT ceil(extract(epoch FROM min(CASE WHEN lease_until >= clock_timestamp() THEN lease_until
                                            ELSE next_attempt_at END) - clock_timestamp()) * 1000)::int8
      FROM push_deliveries
     WHERE state = 'pending'
    """;

  /** Claims up to $1 due deliveries, leasing each for $2 seconds and counting the attempt. */
  static final String CLAIM = """
    WITH chosen AS (
      SELECT id FROM push_deliveries
       WHERE state = 'pending' AND next_attempt_at <= clock_timestamp()
         AND (lease_until IS NULL OR lease_until < clock_timestamp())
       ORDER BY next_attempt_at, id
       LIMIT $1
       FOR UPDATE SKIP LOCKED)
    UPDATE push_deliveries d
       SET lease_until = clock_timestamp() + make_interval(secs => $2), attempts = d.attempts + 1
      FROM chosen c, push_subscriptions s
     WHERE d.id = c.id AND s.id = d.subscription_id
    RETURNING d.id, d.subscription_id, d.user_id, d.reminder_id, d.payload, d.attempts, s.endpoint, s.p256dh, s.auth
    """;

  /**
   * The outcome, unless the lease ran out and another attempt has started meanwhile ($6: the attempt this was).
   * $5 is the wait before the next attempt, NULL when there is none.
   */
  static final String FINISH = """
    UPDATE push_deliveries
       SET state = $2, lease_until = NULL, last_status = $3, last_error = $4,
           next_attempt_at = CASE WHEN $5::float8 IS NULL THEN next_attempt_at
                                  ELSE clock_timestamp() + make_interval(secs => $5) END,
           finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE clock_timestamp() END
     WHERE id = $1 AND attempts = $6
    """;

  /** The push service says the subscription is gone (404, 410): it goes, with its deliveries. */
  static final String DELETE_SUBSCRIPTION = "DELETE FROM push_subscriptions WHERE id = $1";

  static final String PRUNE = """
    DELETE FROM push_deliveries
     WHERE id IN (SELECT id FROM push_deliveries
                   WHERE state <> 'pending' AND finished_at < now() - make_interval(secs => $1)
                   LIMIT $2)
    """;

  private PushSql() {
  }
}
