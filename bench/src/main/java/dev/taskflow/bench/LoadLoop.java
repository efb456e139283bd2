package dev.taskflow.bench;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The closed-loop driver both phases share. {@code concurrency} workers each make a call, wait for its answer and make
 * the next, first for a warm-up and then for a measured window, both ended by timers. Only answers that arrive inside
 * the window count towards the figures; a failed call is an error, never a latency. When the window closes no worker
 * starts another call, and the run ends when the last answer is in, or after {@link #DRAIN} at the latest (calls still
 * out then are reported as unfinished), so a run is bounded whatever the target does.
 *
 * <p>Latencies are what a client with {@code concurrency} connections sees, in closed loop: a stall holds back the
 * next calls rather than queueing them, so they are not corrected for coordinated omission.
 */
final class LoadLoop {

  /** How long answers still out at the end of the window are awaited. */
  static final Duration DRAIN = Duration.ofSeconds(35);

  private final Vertx vertx;
  private final int concurrency;
  private final Duration warmup;
  private final Duration window;

  LoadLoop(Vertx vertx, int concurrency, Duration warmup, Duration window) {
    this.vertx = vertx;
    this.concurrency = concurrency;
    this.warmup = warmup;
    this.window = window;
  }

  /** Runs {@code call} in closed loop; the future completes once the run is over, never with a failure. */
  Future<LoadResult> run(String name, Supplier<Future<?>> call) {
    Promise<LoadResult> done = Promise.promise();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> new Run(name, call, context, done).start());
    return done.future();
  }

  private enum Phase { WARMUP, MEASURE, DRAIN }

  /** One run's state. Workers issue calls on {@code context}; answers may arrive on other threads. */
  private final class Run {

    private final String name;
    private final Supplier<Future<?>> call;
    private final Context context;
    private final Promise<LoadResult> done;
    private final Recorder latencies = new Recorder(3);
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder errorsInWindow = new LongAdder();
    private final LongAdder errorsOutside = new LongAdder();
    private final ErrorSamples samples = new ErrorSamples();
    private final AtomicInteger working = new AtomicInteger();
    private volatile Phase phase;
    private long windowStart;
    private long windowEnd;
    private Histogram inWindow;
    private long drainTimer;

    Run(String name, Supplier<Future<?>> call, Context context, Promise<LoadResult> done) {
      this.name = name;
      this.call = call;
      this.context = context;
      this.done = done;
    }

    void start() {
      if (warmup.isZero()) {
        openWindow();
      } else {
        phase = Phase.WARMUP;
        vertx.setTimer(warmup.toMillis(), t -> openWindow());
      }
      working.set(concurrency);
      for (int i = 0; i < concurrency; i++) {
        next();
      }
    }

    private void openWindow() {
      latencies.reset();
      windowStart = System.nanoTime();
      phase = Phase.MEASURE;
      vertx.setTimer(window.toMillis(), t -> closeWindow());
    }

    private void closeWindow() {
      phase = Phase.DRAIN;
      windowEnd = System.nanoTime();
      inWindow = latencies.getIntervalHistogram();
      drainTimer = vertx.setTimer(DRAIN.toMillis(), t -> finish());
    }

    /** One worker's next call, or its end once the window has closed. */
    private void next() {
      if (phase == Phase.DRAIN) {
        if (working.decrementAndGet() == 0) {
          vertx.cancelTimer(drainTimer);
          finish();
        }
        return;
      }
      long started = System.nanoTime();
      Future<?> answer;
      try {
        answer = call.get();
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(result -> {
        record(result, started);
        // always through the context: a call that fails at once must not recurse
        context.runOnContext(v -> next());
      });
    }

    private void record(AsyncResult<?> result, long started) {
      boolean counted = phase == Phase.MEASURE;
      if (result.succeeded()) {
        succeeded.increment();
        if (counted) {
          latencies.recordValue(Math.max(1, (System.nanoTime() - started) / 1_000));
        }
      } else {
        samples.add(result.cause());
        (counted ? errorsInWindow : errorsOutside).increment();
      }
    }

    private void finish() {
      done.tryComplete(new LoadResult(name, concurrency, warmup, Duration.ofNanos(windowEnd - windowStart), inWindow,
        errorsInWindow.sum(), errorsOutside.sum(), working.get(), succeeded.sum(), samples.snapshot()));
    }
  }
}
