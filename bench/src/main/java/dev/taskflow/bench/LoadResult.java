package dev.taskflow.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Map;

/**
 * What one closed-loop run measured.
 *
 * @param name            the phase, as printed
 * @param concurrency     workers, each with one call out at a time
 * @param warmup          the unmeasured warm-up before the window
 * @param window          the measured window, as timed
 * @param latencyMicros   latencies of the calls that succeeded inside the window, in microseconds
 * @param errorsInWindow  calls that failed inside the window
 * @param errorsOutside   calls that failed during the warm-up or while draining
 * @param unfinished      calls still without an answer when the run gave up waiting
 * @param succeeded       calls that succeeded in the whole run, warm-up and drain included
 * @param errorSamples    error messages with their counts, over the whole run
 */
record LoadResult(String name, int concurrency, Duration warmup, Duration window, Histogram latencyMicros,
                  long errorsInWindow, long errorsOutside, long unfinished, long succeeded,
                  Map<String, Long> errorSamples) {

  /** Calls that succeeded inside the window. */
  long ok() {
    return latencyMicros.getTotalCount();
  }

  /** Successful calls per second of window. */
  double throughput() {
    return ok() / (window.toNanos() / 1e9);
  }

  /** A latency percentile in milliseconds. */
  double millis(double percentile) {
    return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  double maxMillis() {
    return latencyMicros.getMaxValue() / 1000.0;
  }

  boolean clean() {
    return errorsInWindow == 0 && errorsOutside == 0 && unfinished == 0;
  }
}
