package dev.taskflow.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Map;

/**
 * What one run of the {@link LoadLoop} measured.
 *
 * @param name             the phase, as printed
 * @param rate             calls started per second in open loop; 0 for a closed loop
 * @param window           the measured window, as timed
 * @param windowStartNanos when the window opened, on {@link System#nanoTime()}'s clock
 * @param latencyMicros    latencies of the calls that succeeded inside the window, in microseconds
 * @param errorsInWindow   calls that failed inside the window
 * @param errorsOutside    calls that failed during the warm-up or while draining
 * @param unfinished       calls still without an answer when the run gave up waiting
 * @param startedInWindow  calls started inside the window
 * @param inFlightAtClose  calls without an answer yet when the window closed
 * @param succeeded        calls that succeeded in the whole run, warm-up and drain included
 * @param errorSamples     error messages with their counts, over the whole run
 */
record LoadResult(String name, int rate, Duration window, long windowStartNanos, Histogram latencyMicros,
                  long errorsInWindow, long errorsOutside, long unfinished, long startedInWindow,
                  long inFlightAtClose, long succeeded, Map<String, Long> errorSamples) {

  /** Calls that succeeded inside the window. */
  long ok() {
    return latencyMicros.getTotalCount();
  }

  /** Successful calls per second of window. */
  double throughput() {
    return ok() / seconds();
  }

  double seconds() {
    return window.toNanos() / 1e9;
  }

  long windowEndNanos() {
    return windowStartNanos + window.toNanos();
  }

  boolean openLoop() {
    return rate > 0;
  }

  /** A latency percentile in milliseconds. */
  double millis(double percentile) {
    return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
  }

  boolean clean() {
    return errorsInWindow == 0 && errorsOutside == 0 && unfinished == 0;
  }
}
