package dev.taskflow.notifier.push;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Deletes push deliveries that finished (delivered or failed) longer ago than {@code push.retention.days}, in chunks,
 * each its own short statement; pending ones are never touched. Several notifiers pruning at once only find less to do.
 */
final class PushRetention {

  private static final Logger LOG = LoggerFactory.getLogger(PushRetention.class);
  private static final int CHUNK = 5_000;

  private final Pool pool;
  private final Duration retention;

  PushRetention(Pool pool, Duration retention) {
    this.pool = pool;
    this.retention = retention;
  }

  /** Deletes everything past the retention; answers how many deliveries went. */
  Future<Long> prune() {
    return chunk(0).onSuccess(deleted -> {
      if (deleted > 0) {
        LOG.info("Pruned {} push deliveries finished more than {} days ago", deleted, retention.toDays());
      }
    });
  }

  private Future<Long> chunk(long deletedSoFar) {
    return pool.preparedQuery(PushSql.PRUNE).execute(Tuple.of((double) retention.toSeconds(), CHUNK)).compose(rows -> {
      long deleted = deletedSoFar + rows.rowCount();
      return rows.rowCount() < CHUNK ? Future.succeededFuture(deleted) : chunk(deleted);
    });
  }
}
