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
 * The driver every phase shares, in one of two pacings. {@link #closed Closed loop}: {@code concurrency} workers each
 * make a call, wait for its answer and make the next. {@link #open Open loop}: calls start at a fixed rate whether or
 * not earlier ones have answered, so a slow target piles up calls in flight instead of slowing the load down. Either
 * way, first for a warm-up and then for a measured window, both ended by timers. Only answers that arrive inside the
 * window count towards the figures; a failed call is an error, never a latency. When the window closes no further
 * call starts, and the run ends when the last answer is in, or after {@link #DRAIN} at the latest (calls still out
 * then are reported as unfinished), so a run is bounded whatever the target does.
 *
 * <p>Closed-loop latencies are what a client with {@code concurrency} connections sees: a stall holds back the next
 * calls rather than queueing them, so they are not corrected for coordinated omission. Open-loop latencies are timed
 * from the moment the schedule said the call should start, so a generator that falls behind shows up in them.
 */
final class LoadLoop {

  /** How long answers still out at the end of the window are awaited. */
  static final Duration DRAIN = Duration.ofSeconds(35);

  private final Vertx vertx;
  private final int concurrency;
  private final int rate;
  private final Duration warmup;
  private final Duration window;

  private LoadLoop(Vertx vertx, int concurrency, int rate, Duration warmup, Duration window) {
    this.vertx = vertx;
    this.concurrency = concurrency;
    this.rate = rate;
    this.warmup = warmup;
    this.window = window;
  }

  /** {@code concurrency} workers, each with one call out at a time. */
  static LoadLoop closed(Vertx vertx, int concurrency, Duration warmup, Duration window) {
    return new LoadLoop(vertx, concurrency, 0, warmup, window);
  }

  /** {@code rate} calls started per second, evenly spaced, however many are still out. */
  static LoadLoop open(Vertx vertx, int rate, Duration warmup, Duration window) {
    return new LoadLoop(vertx, 0, rate, warmup, window);
  }

  /** Runs {@code call} as paced; the future completes once the run is over, never with a failure. */
  Future<LoadResult> run(String name, Supplier<Future<?>> call) {
    Promise<LoadResult> done = Promise.promise();
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> new Run(name, call, context, done).start());
    return done.future();
  }

  private enum Phase { WARMUP, MEASURE, DRAIN }

  /** One run's state. Calls start on {@code context}; answers may arrive on other threads. */
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
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile Phase phase;
    private long windowStart;
    private long windowEnd;
    private long startedInWindow;
    private long inFlightAtClose;
    private Histogram inWindow;
    private long drainTimer = -1;
    private long pacer = -1;
    private long scheduleStart;
    private long scheduled;

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
      if (rate > 0) {
        scheduleStart = System.nanoTime();
        pacer = vertx.setPeriodic(1, t -> startDueCalls());
      } else {
        for (int i = 0; i < concurrency; i++) {
          issue(System.nanoTime());
        }
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
      inFlightAtClose = outstanding.get();
      vertx.cancelTimer(pacer);
      drainTimer = vertx.setTimer(DRAIN.toMillis(), t -> finish());
      finishIfDrained();
    }

    /**
     * Open loop: starts every call the schedule has made due by now, each timed from its scheduled moment (call k is
     * due at k / rate, so k + 1 calls are due once that moment has come).
     */
    private void startDueCalls() {
      long due = (System.nanoTime() - scheduleStart) * rate / 1_000_000_000L + 1;
      while (scheduled < due && phase != Phase.DRAIN) {
        issue(scheduleStart + scheduled * 1_000_000_000L / rate);
        scheduled++;
      }
    }

    /** Starts one call; {@code from} is the moment its latency is measured from. */
    private void issue(long from) {
      outstanding.incrementAndGet();
      if (phase == Phase.MEASURE) {
        startedInWindow++;
      }
      Future<?> answer;
      try {
        answer = call.get();
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(result -> {
        record(result, from);
        outstanding.decrementAndGet();
        // always through the context: a call that fails at once must not recurse
        context.runOnContext(v -> answered());
      });
    }

    /** A closed-loop worker makes its next call; once the window has closed, the last answer ends the run. */
    private void answered() {
      if (phase == Phase.DRAIN) {
        finishIfDrained();
      } else if (rate == 0) {
        issue(System.nanoTime());
      }
    }

    private void record(AsyncResult<?> result, long from) {
      boolean counted = phase == Phase.MEASURE;
      if (result.succeeded()) {
        succeeded.increment();
        if (counted) {
          latencies.recordValue(Math.max(1, (System.nanoTime() - from) / 1_000));
        }
      } else {
        samples.add(result.cause());
        (counted ? errorsInWindow : errorsOutside).increment();
      }
    }

    private void finishIfDrained() {
      if (outstanding.get() == 0) {
        finish();
      }
    }

    private void finish() {
      vertx.cancelTimer(drainTimer);
      done.tryComplete(new LoadResult(name, rate, Duration.ofNanos(windowEnd - windowStart), windowStart, inWindow,
        errorsInWindow.sum(), errorsOutside.sum(), outstanding.get(), startedInWindow, inFlightAtClose,
        succeeded.sum(), samples.snapshot()));
    }
  }
}
