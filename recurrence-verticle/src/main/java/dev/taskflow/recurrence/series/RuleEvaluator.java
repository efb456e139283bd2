package dev.taskflow.recurrence.series;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where rules are evaluated: never on an event loop, on the shared {@code recurrence-rules} worker pool (unordered, so
 * one slow evaluation does not hold up the next). A user's request waits in a bounded queue: beyond
 * {@code queueLimit} evaluations running or waiting it is refused at once (a 503), so a burst of requests cannot pile
 * up work without end, and one that waited longer than {@link #MAX_WAIT_MS} for a worker is refused rather than run
 * after its caller gave up. The spawner's evaluations are not refused (its consumer and timer run one at a time anyway).
 * Each evaluation is bounded by its {@link dev.taskflow.recurrence.rule.RuleLimits}.
 */
public final class RuleEvaluator {

  static final String POOL = "recurrence-rules";

  /**
   * The longest a user's request waits for a worker. Less than the API's 5 s answer timeout (ServiceCalls), so that a
   * request the API has already answered with a 503 is never evaluated, and committed, afterwards: it is refused as it
   * reaches a worker instead.
   */
  static final long MAX_WAIT_MS = 2_000;

  private final WorkerExecutor executor;
  private final int queueLimit;
  private final AtomicInteger queued = new AtomicInteger();

  public RuleEvaluator(Vertx vertx, int workers, int queueLimit, long maxExecuteMillis) {
    this.executor = vertx.createSharedWorkerExecutor(POOL, workers, maxExecuteMillis, TimeUnit.MILLISECONDS);
    this.queueLimit = queueLimit;
  }

  /** For a user's request: refused with a 503 when {@code queueLimit} evaluations are already running or waiting. */
  public <T> Future<T> forRequest(Callable<T> work) {
    if (queued.incrementAndGet() > queueLimit) {
      queued.decrementAndGet();
      return Future.failedFuture(new SeriesProblem(503, "Too many recurrence rules are being evaluated; try again "
        + "shortly."));
    }
    long queuedAt = System.nanoTime();
    return executor.executeBlocking(() -> {
      if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queuedAt) > MAX_WAIT_MS) {
        throw new SeriesProblem(503, "The recurrence service is busy; try again shortly.");
      }
      return work.call();
    }, false).andThen(done -> queued.decrementAndGet());
  }

  /** For the spawner: never refused. */
  public <T> Future<T> forSpawn(Callable<T> work) {
    return executor.executeBlocking(work, false);
  }

  public Future<Void> close() {
    return executor.close();
  }
}
