package dev.taskflow.core.runtime;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs rounds of work when the database says the next item is due: one Vert.x timer, armed to the earliest due time
 * the database reports (on its own clock, so a skewed local clock neither fires early nor late), re-armed after every
 * round and whenever a NOTIFY on its channel says something changed, in this process or another (LISTEN through a
 * {@link PgSubscriber}, which reconnects by itself; a slow safety re-arm covers a notification lost meanwhile). Not a
 * poll: between items nothing runs. Rounds never overlap ({@link Rounds}); a round that filled its batch runs again at
 * once. The notifier's firing and webhook delivery and the recurrence verticle's on-schedule spawning run on it.
 *
 * <p>Use it on its verticle's context only.
 */
public final class DueTimer {

  private static final Logger LOG = LoggerFactory.getLogger(DueTimer.class);
  /** A round that found nothing although the next item is due now: another instance holds it; look again soon. */
  private static final long CONTENDED_MS = 20;
  private static final long MAX_BACKOFF_MS = 5_000;

  /** The outcome of one round. */
  public record Round(int handled, boolean full) {
  }

  private final Vertx vertx;
  private final String name;
  private final Supplier<Future<Long>> nextDueMillis;

  private PgSubscriber subscriber;
  private long safetyTimer = -1;
  private long timer = -1;
  private long armedFor = Long.MAX_VALUE;
  private final Rounds<Round> rounds;
  private boolean stopped;
  private long backoffMillis;

  /**
   * @param name          for the logs
   * @param nextDueMillis milliseconds until the next item is due on the database's clock (0 or less: due now), or
   *                      null when nothing is waiting
   * @param round         handles what is due now
   */
  public DueTimer(Vertx vertx, String name, Supplier<Future<Long>> nextDueMillis, Supplier<Future<Round>> round) {
    this.vertx = vertx;
    this.name = name;
    this.nextDueMillis = nextDueMillis;
    this.rounds = new Rounds<>(round, this::settled);
  }

  /**
   * Listens on {@code channel} and arms the timer; succeeds once listening. Anything already due (missed while no
   * notifier ran) runs at once.
   */
  public Future<Void> start(PgConnectOptions database, String channel, Duration safetyPoll) {
    subscriber = PgSubscriber.subscriber(vertx, database).reconnectPolicy(retries -> 1_000L);
    subscriber.channel(channel).handler(payload -> rearm()).subscribeHandler(v -> rearm());
    safetyTimer = vertx.setPeriodic(safetyPoll.toMillis(), id -> rearm());
    return subscriber.connect();
  }

  /** Asks the database for the next due time and arms the timer for it. */
  public void rearm() {
    if (stopped) {
      return;
    }
    nextDueMillis.get()
      .onSuccess(millis -> arm(millis, 0))
      .onFailure(e -> {
        LOG.warn("{}: could not read the next due time, trying again in 1 s: {}", name, e.toString());
        arm(1_000L, 0);
      });
  }

  /** Runs a round now, or right after the current one. */
  public void wake() {
    if (!stopped) {
      rounds.request();
    }
  }

  /** After the last round requested: again at once when it filled its batch, else armed for the next item. */
  private void settled(AsyncResult<Round> done) {
    if (done.failed()) {
      backoffMillis = backoffMillis == 0 ? 100 : Math.min(backoffMillis * 2, MAX_BACKOFF_MS);
      LOG.warn("{}: round failed, retrying in {} ms: {}", name, backoffMillis, done.cause().toString());
      arm(backoffMillis, 0);
      return;
    }
    backoffMillis = 0;
    Round result = done.result();
    if (result.full()) {
      wake();
    } else {
      nextDueMillis.get()
        .onSuccess(millis -> arm(millis, result.handled() == 0 ? CONTENDED_MS : 0))
        .onFailure(e -> arm(1_000L, 0));
    }
  }

  /**
   * Keeps the earlier of the armed time and this one: waking early is harmless (the round finds nothing and re-arms),
   * waking late is what must never happen, and answers to concurrent {@link #rearm()} calls may arrive out of order.
   */
  private void arm(Long millis, long atLeast) {
    if (stopped || millis == null) {
      return;
    }
    long delay = millis <= 0 ? atLeast : millis;
    if (delay <= 0) {
      wake();
      return;
    }
    long at = System.currentTimeMillis() + delay;
    if (timer >= 0 && armedFor <= at) {
      return;
    }
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    armedFor = at;
    timer = vertx.setTimer(delay, id -> {
      timer = -1;
      armedFor = Long.MAX_VALUE;
      wake();
    });
  }

  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    vertx.cancelTimer(safetyTimer);
    return subscriber != null ? subscriber.close() : Future.succeededFuture();
  }
}
