package dev.taskflow.bench;

import dev.taskflow.recurrence.rule.Recurrence;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

/**
 * {@code java -cp bench/target/taskflow-bench.jar dev.taskflow.bench.EngineBench [iterations]}: the recurrence engine
 * alone, on one thread, no database. For each rule of a mix (everyday rules, rules near the candidate limit, sparse
 * sub-daily ones) it prints the p50, p99 and maximum of {@code first(20)}, of {@code firstAfter} a random moment of the
 * next five years and of a 100-occurrence {@code window} from such a moment, each call including the parse, as the
 * preview and the spawner run them. "A bounded rule costs at most a few ms" is what to read off it; no assertions.
 */
public final class EngineBench {
  static final List<String> RULES = List.of(
    "FREQ=DAILY",
    "FREQ=WEEKLY;BYDAY=MO,WE,FR",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
    "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    "FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;"
      + "BYSETPOS=-1",
    "FREQ=HOURLY;BYYEARDAY=-1",
    "FREQ=MINUTELY;BYMONTH=1,3",
    "FREQ=MINUTELY;BYYEARDAY=1,100,200,365",
    "FREQ=SECONDLY;BYHOUR=6,18",
    "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=29;BYHOUR=12;BYMINUTE=0");

  private static final LocalDateTime START = LocalDateTime.parse("2026-03-01T09:00:00");

  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    run(iterations, System.out);
  }

  static void run(int iterations, PrintStream out) {
    Random random = new Random(13);
    out.printf(Locale.ROOT, "%-60s %28s %28s %28s%n", "rule (ms: p50 / p99 / max)", "first(20)", "firstAfter",
      "window(100)");
    for (String rule : RULES) {
      Function<Recurrence, Object> first = r -> r.first(20);
      Function<Recurrence, Object> after = r -> r.firstAfter(someMoment(random, r));
      Function<Recurrence, Object> window = r -> r.window(someMoment(random, r), null, null, 100);
      out.printf(Locale.ROOT, "%-60s %28s %28s %28s%n", rule.length() > 60 ? rule.substring(0, 57) + "..." : rule,
        measure(rule, first, iterations), measure(rule, after, iterations), measure(rule, window, iterations));
    }
  }

  /** A random moment of the next five years; of the next 50 days for SECONDLY (its jump limit is 5 million seconds). */
  private static LocalDateTime someMoment(Random random, Recurrence r) {
    return r.freq().equals("SECONDLY") ? START.plusSeconds(random.nextInt(50 * 86_400))
      : START.plusMinutes(random.nextInt(5 * 365 * 24 * 60));
  }

  private static String measure(String rule, Function<Recurrence, Object> call, int iterations) {
    Histogram histogram = new Histogram(3);
    for (int i = 0; i < iterations / 4; i++) {
      call.apply(Recurrence.of(rule, START, "Europe/Paris", List.of()));
    }
    for (int i = 0; i < iterations; i++) {
      long started = System.nanoTime();
      call.apply(Recurrence.of(rule, START, "Europe/Paris", List.of()));
      histogram.recordValue(Math.max(1, (System.nanoTime() - started) / 1_000));
    }
    return String.format(Locale.ROOT, "%.3f / %.3f / %.3f", histogram.getValueAtPercentile(50) / 1e3,
      histogram.getValueAtPercentile(99) / 1e3, histogram.getMaxValue() / 1e3);
  }
}
