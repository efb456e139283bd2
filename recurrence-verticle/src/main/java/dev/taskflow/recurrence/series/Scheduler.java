package dev.taskflow.recurrence.series;

import dev.taskflow.core.runtime.Rounds;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spawns on-schedule instances at their time: a timer to the earliest {@code next_occurrence_at} (by the database's
 * clock), re-armed whenever a series changes (NOTIFY on the channel {@code series}, from any process) and after every
 * round; a slow safety timer covers a lost notification. A round claims due series with {@code FOR UPDATE SKIP
 * LOCKED}, so several recurrence verticles share the work and never spawn one occurrence twice. Rounds never overlap
 * ({@link Rounds}).
 */
public final class Scheduler {

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  /** The longest a timer is set for: the safety net under LISTEN/NOTIFY. */
  static final long MAX_WAIT_MS = 5 * 60_000;
  private static final long RETRY_MS = 2_000;

  private final Vertx vertx;
  private final Pool pool;
  private final Spawner spawner;
  private final Rounds<Long> rounds = new Rounds<>(this::round, this::settled);
  private long timer = -1;
  private boolean stopped;

  public Scheduler(Vertx vertx, Pool pool, Spawner spawner) {
    this.vertx = vertx;
    this.pool = pool;
    this.spawner = spawner;
  }

  /** Runs a round now (or right after the current one), then arms the timer for the next occurrence. */
  public void wake() {
    if (!stopped) {
      rounds.request();
    }
  }

  /** A round: spawns what is due, then reads how long until the next occurrence. */
  private Future<Long> round() {
    return drain().compose(v -> pool.query(SeriesSql.NEXT_DUE).execute())
      .map(rows -> rows.iterator().next().getLong(0));
  }

  private void settled(AsyncResult<Long> result) {
    if (result.failed()) {
      LOG.warn("Recurrence scheduler round failed, retrying in {} ms: {}", RETRY_MS, result.cause().toString());
      arm(RETRY_MS);
    } else {
      Long wait = result.result();
      arm(wait == null ? MAX_WAIT_MS : Math.max(0, Math.min(wait, MAX_WAIT_MS)));
    }
  }

  private Future<Void> drain() {
    return spawner.spawnDue(pool).compose(handled -> handled == Spawner.CLAIM_BATCH && !stopped
      ? drain()
      : Future.succeededFuture());
  }

  private void arm(long delayMs) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (!stopped) {
      timer = vertx.setTimer(Math.max(1, delayMs), id -> {
        timer = -1;
        wake();
      });
    }
  }

  public void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }
}
