package dev.taskflow.core.consumer;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Hands an event to its handler until the handler succeeds, the way every transport does it.
 *
 * <p>A {@linkplain Faults#isTransient transient} failure (the database is down, a connection was cut, a timeout) is
 * retried for as long as it lasts, backing off up to {@link RetryPolicy#max()}: the event is healthy, and giving it to
 * the dead-letter topic would lose its effect for good. Any other failure counts against
 * {@link RetryPolicy#attempts()}; once they are spent the returned future fails with {@link GaveUp} and the transport
 * dead-letters the event. While the caller's {@code active} check says no (the subscription closed, the partition
 * moved to another member), the future fails with {@link Stopped}: neither dead-lettered nor acknowledged.
 *
 * <p>Transient failures are logged at the first one, then every {@link #LOG_EVERY} attempts, and once when the
 * handler succeeds again, so an outage of minutes is a handful of lines per consumer, not one per second.
 */
public final class Retrier {

  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);
  static final int LOG_EVERY = 10;

  /** The handler failed for a reason that is not transient, {@link RetryPolicy#attempts()} times. */
  public static final class GaveUp extends RuntimeException {
    GaveUp(int attempts, Throwable last) {
      super("handler failed " + attempts + " times, last: " + last, last, false, false);
    }
  }

  /** The caller no longer wants the event handled here (closed, revoked). */
  public static final class Stopped extends RuntimeException {
    public static final Stopped INSTANCE = new Stopped();

    private Stopped() {
      super("stopped", null, false, false);
    }
  }

  /** The handler kept failing transiently for longer than the caller would wait (see {@link #withTransientLimit}). */
  public static final class StillFailing extends RuntimeException {
    StillFailing(Throwable last) {
      super("still failing transiently, last: " + last, last, false, false);
    }
  }

  private final Vertx vertx;
  private final RetryPolicy policy;
  private final String group;
  private final Duration transientLimit;

  public Retrier(Vertx vertx, RetryPolicy policy, String group) {
    this(vertx, policy, group, null);
  }

  private Retrier(Vertx vertx, RetryPolicy policy, String group, Duration transientLimit) {
    this.vertx = vertx;
    this.policy = policy;
    this.group = group;
    this.transientLimit = transientLimit;
  }

  /**
   * The same, but transient failures are retried only for {@code limit}, then the future fails with
   * {@link StillFailing}: for a transport whose broker redelivers by itself (Dapr answers RETRY and the sidecar comes
   * back with the event).
   */
  public Retrier withTransientLimit(Duration limit) {
    return new Retrier(vertx, policy, group, limit);
  }

  /**
   * Runs {@code call} until it succeeds (see the class comment).
   *
   * @param what        names the event in log lines (id and where it came from)
   * @param active      asked before every attempt; false stops with {@link Stopped}
   * @param onTransient run once, at the first transient failure (e.g. to pause the partition)
   */
  public Future<Void> run(String what, Supplier<Future<Void>> call, BooleanSupplier active, Runnable onTransient) {
    return new Run(what, call, active, onTransient).attempt();
  }

  private final class Run {
    private final String what;
    private final Supplier<Future<Void>> call;
    private final BooleanSupplier active;
    private final Runnable onTransient;
    private int failures;
    private int transientFailures;
    private long firstTransient;

    Run(String what, Supplier<Future<Void>> call, BooleanSupplier active, Runnable onTransient) {
      this.what = what;
      this.call = call;
      this.active = active;
      this.onTransient = onTransient;
    }

    Future<Void> attempt() {
      if (!active.getAsBoolean()) {
        return Future.failedFuture(Stopped.INSTANCE);
      }
      return invoke(call)
        .onSuccess(v -> {
          if (transientFailures > 0) {
            LOG.info("Group {} handled {} after {} transient failures over {} ms", group, what, transientFailures,
              (System.nanoTime() - firstTransient) / 1_000_000);
          }
        })
        .recover(this::failed);
    }

    private Future<Void> failed(Throwable error) {
      if (error instanceof Stopped) {
        return Future.failedFuture(error);
      }
      long delay;
      if (Faults.isTransient(error)) {
        transientFailures++;
        if (transientFailures == 1) {
          firstTransient = System.nanoTime();
          if (onTransient != null) {
            onTransient.run();
          }
        }
        long waited = (System.nanoTime() - firstTransient) / 1_000_000;
        if (transientLimit != null && waited >= transientLimit.toMillis()) {
          return Future.failedFuture(new StillFailing(error));
        }
        delay = policy.backoff(transientFailures).toMillis();
        if (transientFailures == 1 || transientFailures % LOG_EVERY == 0) {
          LOG.warn("Group {} cannot handle {} for now ({} transient failures over {} ms), retrying until it can: {}",
            group, what, transientFailures, waited, error.toString());
        }
      } else {
        failures++;
        if (failures >= policy.attempts()) {
          return Future.failedFuture(new GaveUp(failures, error));
        }
        delay = policy.backoff(failures).toMillis();
        LOG.warn("Group {} failed on {}, attempt {} of {}, retrying in {} ms: {}", group, what, failures,
          policy.attempts(), delay, error.toString());
      }
      Promise<Void> later = Promise.promise();
      vertx.setTimer(Math.max(1, delay), id -> later.complete());
      return later.future().compose(v -> attempt());
    }
  }

  /** The call's future; a call that throws or returns null fails instead. */
  public static Future<Void> invoke(Supplier<Future<Void>> call) {
    try {
      Future<Void> result = call.get();
      return result != null ? result : Future.failedFuture(new NullPointerException("handler returned null"));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
