package dev.taskflow.bench;

import dev.taskflow.api.tasks.TaskRepository;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.outbox.OutboxWriter;
import dev.taskflow.recurrence.rule.Recurrence;
import dev.taskflow.core.config.TaskflowConfig;
import dev.taskflow.recurrence.RecurrenceSettings;
import dev.taskflow.recurrence.series.RuleEvaluator;
import dev.taskflow.recurrence.series.SeriesRepository;
import dev.taskflow.recurrence.series.SeriesRules;
import dev.taskflow.recurrence.series.SeriesSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code java -jar taskflow-bench.jar recurrence [--rate R] [--users U] ...}: the recurrence engine and the spawning
 * path. First, on one thread, how many next occurrences per second the engine computes (parse a rule, then
 * {@code firstAfter} a random moment of the next five years, as a spawn does) and how many 100-occurrence previews.
 * Then, on a temporary embedded PostgreSQL and Kafka broker with the outbox relay and a recurrence verticle, recurring
 * tasks are completed open-loop at {@code --rate} per second (the API's transaction), and the time from each
 * completion's commit to the commit of the next instance the verticle spawns is measured from PostgreSQL's own commit
 * timestamps, through relay, broker and consumer.
 */
final class RecurrenceBench {

  private static final Duration SETUP_LIMIT = Duration.ofSeconds(120);
  private static final Duration CATCH_UP = Duration.ofSeconds(90);
  private static final double SPAWN_AIM_MS = 50;
  private static final List<String> RULES = List.of("FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE,FR",
    "FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=MONTHLY;BYDAY=2TU", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "FREQ=HOURLY;INTERVAL=3;BYHOUR=9,12,15,18", "FREQ=DAILY;INTERVAL=3;COUNT=500");

  /** Each completed instance's completion commit and its successor's commit, microseconds since the epoch. */
  private static final String SPAWN_TIMES = """
    SELECT (extract(epoch FROM pg_xact_commit_timestamp(c.xmin)) * 1000000)::int8,
           (extract(epoch FROM pg_xact_commit_timestamp(n.xmin)) * 1000000)::int8
      FROM tasks c
      LEFT JOIN tasks n ON n.series_id = c.series_id AND n.occurrence_at > c.occurrence_at
     WHERE c.status = 'completed'
    """;

  /** Instances beyond each series' first: the spawned ones. */
  private static final String SPAWNED = """
    SELECT (SELECT count(*) FROM tasks WHERE series_id IS NOT NULL) - (SELECT count(*) FROM series)
    """;

  private final BenchOptions options;
  private final PrintStream out;
  private final Report report;

  RecurrenceBench(BenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.report = new Report(out);
  }

  int run() throws Exception {
    out.println("Taskflow bench: the recurrence engine, and completion -> next instance committed");
    report.machine();
    engine();
    report.progress("starting a temporary embedded PostgreSQL (fsync on, commit timestamps on), a temporary embedded "
      + "Kafka broker, the outbox relay and a recurrence verticle");
    Vertx driver = Vertx.vertx();
    try (LocalServer local = LocalServer.startRecurrence()) {
      Pool pool = Database.pool(driver, new DatabaseSettings(local.dbUrl(), options.connections()));
      try {
        return spawning(driver, pool);
      } finally {
        Await.result(pool.close(), SETUP_LIMIT);
      }
    } finally {
      Await.result(driver.close(), SETUP_LIMIT);
    }
  }

  /** Occurrence computations on one thread. */
  private void engine() {
    LocalDateTime start = LocalDateTime.of(2026, 1, 1, 9, 0);
    int[] next = {0};
    long[] sink = {0};
    Runnable nextOccurrence = () -> {
      Recurrence recurrence = Recurrence.of(RULES.get(next[0]++ % RULES.size()), start, "America/New_York", List.of());
      sink[0] += recurrence.firstAfter(start.plusMinutes(ThreadLocalRandom.current().nextLong(5 * 365 * 24 * 60)))
        .map(LocalDateTime::getDayOfYear).orElse(0);
    };
    Runnable preview = () -> sink[0] += Recurrence.of(RULES.get(next[0]++ % RULES.size()), start, "America/New_York",
      List.of()).first(100).get(99).getDayOfYear();
    report.line("engine", String.format(Locale.ROOT, "%,.0f next occurrences/s (parse + firstAfter a random moment "
      + "of the next 5 years), one thread", rate(nextOccurrence)));
    report.line("", String.format(Locale.ROOT, "%,.0f previews/s of 100 occurrences, one thread (checksum %d)",
      rate(preview), sink[0] % 10));
    out.println();
  }

  /** Calls per second over 3 s, after a 2 s warm-up. */
  private static double rate(Runnable call) {
    long warmUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (System.nanoTime() < warmUntil) {
      call.run();
    }
    long calls = 0;
    long started = System.nanoTime();
    long until = started + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < until) {
      call.run();
      calls++;
    }
    return calls / ((System.nanoTime() - started) / 1e9);
  }

  private int spawning(Vertx driver, Pool pool) throws Exception {
    int total = options.rate() * (options.warmupSeconds() + options.seconds()) + options.rate();
    report.line("parameters", String.format(Locale.ROOT, "%d completions/s open loop over %d users, %d recurring "
      + "tasks (FREQ=DAILY), %d s warm-up + %d s measured", options.rate(), options.users(), total,
      options.warmupSeconds(), options.seconds()));
    report.progress("creating the users and " + total + " recurring tasks");
    List<UUID> users = Await.result(BenchUsers.create(pool, options.users()), SETUP_LIMIT);
    // the recurrence verticle's own settings and rule evaluation, as it builds its repository
    RecurrenceSettings settings = RecurrenceSettings.from(TaskflowConfig.defaults());
    RuleEvaluator evaluator = new RuleEvaluator(driver,
      settings.workers(), settings.queueLimit(), settings.limits().timeout().toMillis() * 4);
    SeriesRepository series = new SeriesRepository(pool, new OutboxWriter("bench"),
      new SeriesRules(settings.limits(), settings.minInterval()), evaluator,
      settings.maxSeriesPerUser());
    List<UUID[]> tasks = new ArrayList<>(total);
    for (int i = 0; i < total; i += 100) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int j = i; j < Math.min(total, i + 100); j++) {
        UUID user = users.get(j % users.size());
        batch.add(series.createTask(user, user, new SeriesRepository.TaskFields("Recurring " + j, "", "normal",
            List.of(), OffsetDateTime.parse("2026-01-01T14:00:00Z"), "America/New_York", null),
          new SeriesSpec("FREQ=DAILY", null, null, null, null), null, null));
      }
      for (int j = 0; j < batch.size(); j++) {
        JsonObject created = Await.result(batch.get(j), SETUP_LIMIT);
        tasks.add(new UUID[]{users.get((i + j) % users.size()),
          UUID.fromString(created.getJsonObject("task").getString("id"))});
      }
    }
    report.progress("waiting for the relay and the consumer to pass the creations");
    Await.until(() -> unpublished(pool) == 0, CATCH_UP);

    TaskRepository repository = new TaskRepository(pool, new OutboxWriter("bench"));
    AtomicInteger next = new AtomicInteger();
    report.progress("completions: " + options.warmupSeconds() + " s warm-up, " + options.seconds() + " s measured");
    LoadLoop loop = LoadLoop.open(driver, options.rate(), Duration.ofSeconds(options.warmupSeconds()),
      Duration.ofSeconds(options.seconds()));
    LoadResult completions = Await.result(loop.run("complete  TaskRepository.complete", () -> {
      UUID[] task = tasks.get(next.getAndIncrement() % tasks.size());
      return repository.complete(task[0], task[1], UUID.randomUUID().toString());
    }), Duration.ofSeconds(options.warmupSeconds() + options.seconds() + 30).plus(LoadLoop.DRAIN));
    long completed = next.get();
    report.progress("waiting up to " + CATCH_UP.toSeconds() + " s for every next instance");
    boolean caughtUp = Await.until(() -> spawned(pool) >= completed, CATCH_UP);

    report.phase(completions, String.format(Locale.ROOT, "open loop at %d/s over %d users", options.rate(),
      users.size()));
    long from = micros(completions.windowStartNanos());
    long until = micros(completions.windowEndNanos());
    Histogram latency = new Histogram(3);
    long[] missing = {0};
    long[] inWindow = {0};
    Await.result(pool.query(SPAWN_TIMES).execute(), SETUP_LIMIT).forEach(row -> {
      long done = row.getLong(0);
      if (done < from || done >= until) {
        return;
      }
      inWindow[0]++;
      if (row.getLong(1) == null) {
        missing[0]++;
      } else {
        latency.recordValue(Math.max(0, row.getLong(1) - done));
      }
    });
    out.println();
    report.line("spawn", latency.getTotalCount() == 0 ? "no instances" : "ms " + Report.percentiles(latency));
    report.line("", String.format(Locale.ROOT, "%d completions committed in the window, %d without a next instance; "
      + "completion commit -> next instance commit (relay, Kafka, consumer, spawn)", inWindow[0], missing[0]));
    long spawned = spawned(pool);
    boolean match = caughtUp && spawned == completed && missing[0] == 0;
    report.line("counts", String.format(Locale.ROOT, "completed %d, next instances %d  %s", completed, spawned,
      match ? "OK" : "MISMATCH"));
    double p99 = latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(99) / 1000.0;
    report.line("aim", String.format(Locale.ROOT, "p99 <= %.0f ms: %s (%.2f ms)", SPAWN_AIM_MS,
      p99 <= SPAWN_AIM_MS ? "met" : "NOT met", p99));
    return report.verdict(completions.clean() && match);
  }

  private final long startNanos = System.nanoTime();
  private final long startMicros = System.currentTimeMillis() * 1000;

  private long micros(long nanoTime) {
    return startMicros + (nanoTime - startNanos) / 1_000;
  }

  private static long unpublished(Pool pool) {
    return count(pool, "SELECT count(*) FROM outbox WHERE published_at IS NULL");
  }

  private static long spawned(Pool pool) {
    return count(pool, SPAWNED);
  }

  private static long count(Pool pool, String sql) {
    try {
      return Await.result(pool.query(sql).execute(), SETUP_LIMIT).iterator().next().getLong(0);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot count: " + e, e);
    }
  }
}
