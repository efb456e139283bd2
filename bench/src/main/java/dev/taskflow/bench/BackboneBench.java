package dev.taskflow.bench;

import dev.taskflow.core.tasks.Task;
import dev.taskflow.api.tasks.TaskDraft;
import dev.taskflow.api.tasks.TaskRepository;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.outbox.OutboxWriter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * {@code java -jar taskflow-bench.jar backbone [--rate R] [--users U] ...}: the event backbone under a steady write
 * rate. Task creates ({@link TaskRepository#create}, the API's transaction, outbox event included) start open-loop at
 * {@code --rate} per second, round-robin over {@code --users} users (one user's writes queue on its sequence lock);
 * the outbox relay publishes them to a Kafka broker through a {@link TimedPublisher}, and the audit verticle consumes
 * them into {@code event_log}. After the writes the run waits for the relay and the consumer to catch up, checks that
 * every committed event got through, and prints the latencies of the events committed in the measured window.
 *
 * <p>Every event is timed by its subject (the task id). The commits are PostgreSQL's own commit timestamps
 * ({@code track_commit_timestamp}, read back with {@code pg_xact_commit_timestamp(xmin)}) of the task row and of its
 * {@code event_log} row: exact, with nothing changed in the audit verticle or the schema, and independent of when a
 * busy event loop gets round to a callback. They are taken as the commit record is written, just before its WAL
 * flush; the broker's acknowledgement is stamped on the same wall clock when the relay's publish call completes.
 */
final class BackboneBench {

  private static final Duration SETUP_LIMIT = Duration.ofSeconds(60);
  /** How long the relay and the consumer get, after the last write, to publish and log everything. */
  private static final Duration CATCH_UP = Duration.ofSeconds(90);
  private static final double PUBLISH_AIM_MS = 20;
  private static final double CONSUME_AIM_MS = 50;

  private static final String CREATE_USERS = """
    INSERT INTO users (id, email, display_name)
    SELECT gen_random_uuid(), 'bench-' || n || '-' || $2 || '@example.com', 'bench ' || n
      FROM generate_series(1, $1) AS n
    RETURNING id
    """;

  private static final String COUNTS = """
    SELECT (SELECT count(*) FROM tasks) AS tasks, (SELECT count(*) FROM event_log) AS logged,
           (SELECT count(*) FROM outbox WHERE published_at IS NULL) AS unpublished
    """;

  /** Each task's commit time and its event_log row's, in microseconds since the epoch. */
  private static final String COMMIT_TIMES = """
    SELECT t.id::text,
           (extract(epoch FROM pg_xact_commit_timestamp(t.xmin)) * 1000000)::int8,
           (extract(epoch FROM pg_xact_commit_timestamp(l.xmin)) * 1000000)::int8
      FROM tasks t LEFT JOIN event_log l ON l.subject = t.id::text
    """;

  private final BenchOptions options;
  private final PrintStream out;
  private final Report report;
  private final EventTimes times = new EventTimes();

  BackboneBench(BenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.report = new Report(out);
  }

  int run() throws Exception {
    out.println("Taskflow bench: the event backbone, commit -> relay -> Kafka (acks=all) -> audit -> event_log");
    report.machine();
    report.progress("starting a temporary embedded PostgreSQL (fsync on, synchronous_commit on, commit timestamps "
      + "on), a temporary embedded Kafka broker, the audit verticle and the outbox relay");
    Vertx driver = Vertx.vertx();
    try (LocalServer local = LocalServer.startBackbone(publisher -> new TimedPublisher(publisher, times))) {
      List<Writer> writers = writers(driver, local.dbUrl());
      Pool pool = writers.get(0).pool();
      try {
        report.line("target", "self-contained, data in " + local.root() + ": Kafka at " + local.kafkaBootstrap()
          + ", audit verticle (its own pool: " + local.poolSize() + "), outbox relay");
        report.line("database", Await.result(PostgresInfo.read(pool), SETUP_LIMIT).toString());
        return measure(driver, pool, writers, Await.result(createUsers(pool, options.users()), SETUP_LIMIT));
      } finally {
        Await.result(Future.join(writers.stream().map(writer -> writer.pool().close()).toList()), SETUP_LIMIT);
      }
    } finally {
      Await.result(driver.close(), SETUP_LIMIT);
    }
  }

  /**
   * The writers are spread as the API runs: one per core, each on an event loop of its own with its own pool (the
   * {@code --connections} shared out), so one busy thread does not hold every transaction's next statement back.
   */
  private record Writer(Context context, Pool pool, TaskRepository repository) {

    Future<Task> create(UUID user, TaskDraft draft) {
      Promise<Task> created = Promise.promise();
      context.runOnContext(v -> repository.create(user, draft, UUID.randomUUID().toString()).onComplete(created));
      return created.future();
    }
  }

  private List<Writer> writers(Vertx driver, String dbUrl) {
    int count = Math.min(Runtime.getRuntime().availableProcessors(), options.connections());
    List<Writer> writers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int size = options.connections() / count + (i < options.connections() % count ? 1 : 0);
      Pool pool = Database.pool(driver, new DatabaseSettings(dbUrl, size));
      writers.add(new Writer(driver.getOrCreateContext(), pool, new TaskRepository(pool, new OutboxWriter("bench"))));
    }
    return writers;
  }

  private int measure(Vertx driver, Pool pool, List<Writer> writers, List<UUID> users) throws Exception {
    report.line("parameters", String.format(Locale.ROOT, "%d task writes/s open loop, round-robin over %d users, "
        + "%d connections in %d writers (one event loop and pool each), %d s warm-up + %d s measured", options.rate(),
      users.size(), options.connections(), writers.size(), options.warmupSeconds(), options.seconds()));
    TaskWorkload workload = new TaskWorkload();
    AtomicLong written = new AtomicLong();
    Supplier<Future<?>> write = () -> {
      long n = written.getAndIncrement();
      return writers.get((int) (n % writers.size())).create(users.get((int) (n % users.size())), workload.nextDraft());
    };

    report.progress("one write through to event_log, so the consumer has joined its group before the load starts");
    Await.result(write.get(), SETUP_LIMIT);
    if (!Await.until(() -> counts(pool).getLong("logged") == 1, SETUP_LIMIT)) {
      out.println("The first event did not reach event_log within " + SETUP_LIMIT.toSeconds() + " s (acknowledged "
        + "by the broker: " + (times.acknowledgedCount() == 1 ? "yes" : "no") + ")");
      return report.verdict(false);
    }

    report.progress("writes: " + options.warmupSeconds() + " s warm-up, " + options.seconds() + " s measured");
    LoadLoop loop = LoadLoop.open(driver, options.rate(), Duration.ofSeconds(options.warmupSeconds()),
      Duration.ofSeconds(options.seconds()));
    LoadResult writes = Await.result(loop.run("writes  TaskRepository.create", write),
      Duration.ofSeconds(options.warmupSeconds() + options.seconds() + 30).plus(LoadLoop.DRAIN));
    report.progress("waiting up to " + CATCH_UP.toSeconds() + " s for the relay and the consumer to catch up");
    long waitStart = System.nanoTime();
    boolean caughtUp = Await.until(() -> {
      Row counts = counts(pool);
      return counts.getLong("unpublished") == 0 && counts.getLong("logged").equals(counts.getLong("tasks"))
        && times.acknowledgedCount() >= counts.getLong("tasks");
    }, CATCH_UP);
    double waited = (System.nanoTime() - waitStart) / 1e9;
    Await.result(pool.query(COMMIT_TIMES).execute(), SETUP_LIMIT).forEach(times::read);

    report.phase(writes, String.format(Locale.ROOT, "open loop at %d/s over %d users, %d connections",
      options.rate(), users.size(), options.connections()));
    long from = times.micros(writes.windowStartNanos());
    long until = times.micros(writes.windowEndNanos());
    EventTimes.Relayed relayed = times.acknowledgedIn(from, until);
    out.println();
    report.line("relay", String.format(Locale.ROOT, "%.1f events/s acknowledged in the window (%d events in %d "
        + "publish calls, %.1f per call)", relayed.events() / writes.seconds(), relayed.events(), relayed.calls(),
      relayed.calls() == 0 ? 0.0 : (double) relayed.events() / relayed.calls()));
    EventTimes.Latencies published = times.toAcknowledged(from, until);
    EventTimes.Latencies logged = times.toLogged(from, until);
    latencies("commit->ack", published, "to the relay's publish call completing (acks=all)");
    latencies("commit->log", logged, "to the commit of the audit verticle's event_log row");
    report.line("", "commits are PostgreSQL commit timestamps, taken just before the WAL flush");
    out.println();

    Row counts = counts(pool);
    long committed = times.committedCount();
    boolean match = caughtUp && counts.getLong("tasks") == committed && times.committedAndAcknowledged() == committed
      && times.loggedCount() == committed && counts.getLong("logged") == committed
      && counts.getLong("unpublished") == 0;
    report.line("counts", String.format(Locale.ROOT, "written %d, acknowledged %d, logged %d (after %.1f s of "
        + "catching up); outbox unpublished %d  %s", committed, times.committedAndAcknowledged(),
      times.loggedCount(), waited, counts.getLong("unpublished"), match ? "OK" : "MISMATCH"));
    report.line("aim", String.format(Locale.ROOT, "publish p99 <= %.0f ms: %s; consumption p99 <= %.0f ms: %s",
      PUBLISH_AIM_MS, aim(published, PUBLISH_AIM_MS), CONSUME_AIM_MS, aim(logged, CONSUME_AIM_MS)));
    return report.verdict(writes.clean() && match);
  }

  private static Row counts(Pool pool) {
    try {
      return Await.result(pool.query(COUNTS).execute(), SETUP_LIMIT).iterator().next();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot count the rows: " + e, e);
    }
  }

  private void latencies(String label, EventTimes.Latencies latencies, String what) {
    report.line(label, latencies.micros().getTotalCount() == 0 ? "no events" : "ms " + Report.percentiles(
      latencies.micros()));
    report.line("", String.format(Locale.ROOT, "%d events committed in the window, %d never got there; %s",
      latencies.events(), latencies.missing(), what));
  }

  private static String aim(EventTimes.Latencies latencies, double aimMs) {
    if (latencies.micros().getTotalCount() == 0 || latencies.missing() > 0) {
      return "not met (events missing)";
    }
    double p99 = latencies.micros().getValueAtPercentile(99) / 1000.0;
    return String.format(Locale.ROOT, "%s (%.2f ms)", p99 <= aimMs ? "met" : "NOT met", p99);
  }

  /** {@code count} fresh accounts, without passwords: only their tasks and event sequences matter here. */
  static Future<List<UUID>> createUsers(Pool pool, int count) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    return pool.preparedQuery(CREATE_USERS).execute(Tuple.of(count, run)).map(rows -> {
      List<UUID> ids = new ArrayList<>(rows.rowCount());
      rows.forEach(row -> ids.add(row.getUUID("id")));
      return ids;
    });
  }
}
