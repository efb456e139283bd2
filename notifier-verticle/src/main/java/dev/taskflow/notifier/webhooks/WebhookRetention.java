package dev.taskflow.notifier.webhooks;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Deletes webhook deliveries that finished (delivered or failed) longer ago than the retention, with their attempts, so
 * the delivery log a user reads stays bounded. Pending deliveries are never touched. It deletes in chunks, each its own
 * short statement, so it never holds many row locks at once; several notifiers pruning at the same time only find less
 * to do.
 */
final class WebhookRetention {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookRetention.class);
  private static final int CHUNK = 5_000;

  private static final String PRUNE = """
    DELETE FROM webhook_deliveries
     WHERE id IN (SELECT id FROM webhook_deliveries
                   WHERE state <> 'pending' AND finished_at < now() - make_interval(secs => $1)
                   LIMIT $2)
    """;

  private final Pool pool;
  private final Duration retention;

  WebhookRetention(Pool pool, Duration retention) {
    this.pool = pool;
    this.retention = retention;
  }

  /** Deletes everything past the retention; answers how many deliveries went. */
  Future<Long> prune() {
    return chunk(0).onSuccess(deleted -> {
      if (deleted > 0) {
        LOG.info("Pruned {} webhook deliveries finished more than {} days ago", deleted, retention.toDays());
      }
    });
  }

  private Future<Long> chunk(long deletedSoFar) {
    return pool.preparedQuery(PRUNE).execute(Tuple.of((double) retention.toSeconds(), CHUNK)).compose(rows -> {
      long deleted = deletedSoFar + rows.rowCount();
      return rows.rowCount() < CHUNK ? Future.succeededFuture(deleted) : chunk(deleted);
    });
  }
}
