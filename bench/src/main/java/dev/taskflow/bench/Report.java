package dev.taskflow.bench;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the figures: one block per phase, the API-against-database comparison, the outbox check, the event
 * backbone's latencies and counts.
 */
final class Report {

  private static final String LABEL = "  %-13s ";

  private final PrintStream out;

  Report(PrintStream out) {
    this.out = out;
  }

  void line(String label, String text) {
    out.println(String.format(Locale.ROOT, "%-14s ", label) + text);
  }

  /** A step of the run, so a long set-up or drain is not mistaken for a hang. */
  void progress(String what) {
    out.println(".. " + what);
  }

  /** The last line, and the exit code it stands for. */
  int verdict(boolean ok) {
    line("result", ok ? "OK" : "FAILED: errors above");
    return ok ? 0 : 1;
  }

  void machine() {
    Runtime runtime = Runtime.getRuntime();
    line("machine", String.format(Locale.ROOT, "%d cores, %s %s, %s %s, max heap %d MiB",
      runtime.availableProcessors(), System.getProperty("java.vm.name"), Runtime.version(),
      System.getProperty("os.name"), System.getProperty("os.arch"), runtime.maxMemory() / (1024 * 1024)));
  }

  void phase(LoadResult result, String detail) {
    out.println();
    out.println(result.name() + "  —  " + detail);
    row("requests", String.format(Locale.ROOT, "%d ok, %d errors in %.2f s (outside the window: %d errors, "
        + "%d unfinished)", result.ok(), result.errorsInWindow(), result.window().toNanos() / 1e9,
      result.errorsOutside(), result.unfinished()));
    row("throughput", String.format(Locale.ROOT, "%.1f req/s", result.throughput()));
    if (result.openLoop()) {
      row("pacing", String.format(Locale.ROOT, "open loop at %d/s: %d started in the window (%.1f/s), %d in flight "
        + "when it closed", result.rate(), result.startedInWindow(), result.startedInWindow() / result.seconds(),
        result.inFlightAtClose()));
    }
    if (result.ok() > 0) {
      row("latency ms", percentiles(result.latencyMicros()));
    }
    for (Map.Entry<String, Long> error : result.errorSamples().entrySet()) {
      row("error", String.format(Locale.ROOT, "%d x %s", error.getValue(), error.getKey()));
    }
  }

  void comparison(LoadResult api, LoadResult db) {
    out.println();
    line("API / DB", String.format(Locale.ROOT, "throughput %.2f (%.1f / %.1f req/s)",
      ratio(api.throughput(), db.throughput()), api.throughput(), db.throughput()));
    if (api.ok() > 0 && db.ok() > 0) {
      line("", versus("p50", api.millis(50), db.millis(50)));
      line("", versus("p99", api.millis(99), db.millis(99)));
    }
  }

  void check(OutboxCheck check) {
    line("outbox check", check.describe() + "  " + (check.holds() ? "OK" : "MISMATCH"));
  }

  /** p50 to max of a histogram of microseconds, in milliseconds. */
  static String percentiles(Histogram micros) {
    return String.format(Locale.ROOT, "p50 %.2f   p90 %.2f   p99 %.2f   p99.9 %.2f   max %.2f",
      micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(90) / 1000.0,
      micros.getValueAtPercentile(99) / 1000.0, micros.getValueAtPercentile(99.9) / 1000.0,
      micros.getMaxValue() / 1000.0);
  }

  void row(String label, String text) {
    out.println(String.format(Locale.ROOT, LABEL, label) + text);
  }

  private static String versus(String percentile, double api, double db) {
    return String.format(Locale.ROOT, "%-5s API %.2f ms vs DB %.2f ms (x%.2f, %+.2f ms)", percentile, api, db,
      ratio(api, db), api - db);
  }

  private static double ratio(double a, double b) {
    return b == 0 ? Double.NaN : a / b;
  }
}
