package dev.taskflow.bench;

import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.event.EventTypes;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code java -jar taskflow-bench.jar reminders [--reminders N] [--spread-seconds S] [--instances I] [--users U]}: how
 * late reminders fire when many come due at once. After a warm-up (one reminder per user, through to delivery), the
 * run writes {@code --reminders} reminders straight to the database (one task per user, round-robin), due evenly over
 * {@code --spread-seconds} starting {@link #LEAD} after they are written, and lets {@code --instances} notifier verticles fire them, with the relay publishing to Kafka, the
 * audit verticle logging and the notifiers' consumers delivering to {@code notifications.user.<userId>}, where this
 * harness listens.
 *
 * <p>Firing lateness is {@code fired_at - fire_at} as the notifier stamps it, and the firing transaction's commit
 * (PostgreSQL's own commit timestamp) minus {@code fire_at}; delivery lateness is the arrival on the user's address
 * minus {@code fire_at}. All are on this machine's one clock. Then it checks that every reminder fired once, its event
 * was written, published and logged once, and it was delivered once.
 */
final class RemindersBench {

  private static final Duration SETUP_LIMIT = Duration.ofSeconds(60);
  /** Time to write the reminders before the first is due. */
  private static final Duration LEAD = Duration.ofSeconds(5);
  /** How long after the last is due everything may take to arrive. */
  private static final Duration CATCH_UP = Duration.ofSeconds(60);
  private static final double AIM_MS = 1000;

  private static final String CREATE_TASKS = """
    INSERT INTO tasks (id, user_id, title)
    SELECT gen_random_uuid(), u, 'bench reminder' FROM unnest($1::uuid[]) AS u
    RETURNING id, user_id
    """;

  /** Reminder n of N is due at start + n * spread / N, on task n mod (tasks). */
  private static final String CREATE_REMINDERS = """
    INSERT INTO reminders (id, task_id, user_id, remind_at, fire_at)
    SELECT gen_random_uuid(), ($4::uuid[])[1 + n % cardinality($4::uuid[])],
           ($5::uuid[])[1 + n % cardinality($5::uuid[])], at, at
      FROM generate_series(0, $1 - 1) AS n,
           LATERAL (SELECT $2::timestamptz + make_interval(secs => n * $3::float8) AS at) due
    """;

  private static final String FIRED_COUNT = "SELECT count(*) FROM reminders WHERE state = 'fired' AND task_id = ANY($1)";

  /** Microseconds from fire_at to fired_at and to the firing transaction's commit, and who fired it. */
  private static final String LATENESS = """
    SELECT (extract(epoch FROM fired_at - fire_at) * 1000000)::int8,
           (extract(epoch FROM pg_xact_commit_timestamp(xmin) - fire_at) * 1000000)::int8,
           fired_by
      FROM reminders WHERE state = 'fired' AND task_id = ANY($1)
    """;

  /** How many reminders had 0, 1, 2... events in a table of events; the reminder id is in data.reminder.id. */
  private static final String EVENTS_PER_REMINDER = """
    SELECT coalesce(e.n, 0), count(*)
      FROM reminders r
      LEFT JOIN (SELECT event->'data'->'reminder'->>'id' AS id, count(*) AS n FROM %s
                  WHERE event->>'type' = $1 GROUP BY 1) e ON e.id = r.id::text
     WHERE r.task_id = ANY($2)
     GROUP BY 1 ORDER BY 1
    """;

  private static final String PUBLISHED_UNPUBLISHED = """
    SELECT count(*) FILTER (WHERE published_at IS NOT NULL), count(*) FILTER (WHERE published_at IS NULL)
      FROM outbox WHERE event->>'type' = $1 AND event->>'subject' = ANY($2)
    """;

  private final BenchOptions options;
  private final PrintStream out;
  private final Report report;
  /** Each reminder's deliveries: how many, and when the first arrived (micros since the epoch). */
  private final Map<String, Long> firstDelivery = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> deliveries = new ConcurrentHashMap<>();
  private final Map<String, Long> fireAtMicros = new ConcurrentHashMap<>();

  RemindersBench(BenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.report = new Report(out);
  }

  int run() throws Exception {
    out.println("Taskflow bench: reminder firing lateness, " + options.instances() + " notifiers on one database");
    report.machine();
    report.progress("starting a temporary embedded PostgreSQL (fsync on, synchronous_commit on, commit timestamps on), "
      + "a temporary embedded Kafka broker, the audit verticle, the outbox relay and " + options.instances()
      + " notifier verticles");
    try (LocalServer local = LocalServer.startReminders(options.instances())) {
      Pool pool = Database.pool(local.vertx(), new DatabaseSettings(local.dbUrl(), 4));
      try {
        report.line("target", "self-contained, data in " + local.root() + ": Kafka at " + local.kafkaBootstrap()
          + ", audit verticle, outbox relay, " + options.instances() + " notifiers");
        report.line("database", Await.result(PostgresInfo.read(pool), SETUP_LIMIT).toString());
        return measure(local, pool);
      } finally {
        Await.result(pool.close(), SETUP_LIMIT);
      }
    }
  }

  private int measure(LocalServer local, Pool pool) throws Exception {
    List<UUID> users = Await.result(BenchUsers.create(pool, options.users()), SETUP_LIMIT);
    for (UUID user : users) {
      Await.result(local.vertx().eventBus().<JsonObject>consumer(Addresses.notificationsOf(user), message -> {
        long now = micros(Instant.now());
        JsonObject data = message.body().getJsonObject("data");
        String id = data.getJsonObject("reminder").getString("id");
        firstDelivery.putIfAbsent(id, now);
        fireAtMicros.putIfAbsent(id, micros(Instant.parse(data.getString("fireAt"))));
        deliveries.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
      }).completion(), SETUP_LIMIT);
    }
    report.line("parameters", String.format(Locale.ROOT, "%d reminders due evenly within %d s (one every %.1f ms), "
        + "over %d users' tasks, fired by %d notifier verticles", options.reminderCount(), options.spreadSeconds(),
      options.spreadSeconds() * 1000.0 / options.reminderCount(), users.size(), options.instances()));

    report.progress("warm-up: one reminder per user due in 1 s, through to delivery, so every consumer has joined its "
      + "group and every path has run before the measured reminders come due");
    Tasks warmUp = schedule(pool, users, users.size(), now(pool).plusSeconds(1), 0.001);
    if (!Await.until(() -> firstDelivery.size() == users.size(), SETUP_LIMIT)) {
      out.println("The warm-up reminders were not all delivered within " + SETUP_LIMIT.toSeconds() + " s ("
        + firstDelivery.size() + " of " + users.size() + ")");
      return report.verdict(false);
    }
    firstDelivery.clear();
    deliveries.clear();
    fireAtMicros.clear();

    OffsetDateTime start = now(pool).plus(LEAD);
    Tasks measured = schedule(pool, users, options.reminderCount(), start,
      (double) options.spreadSeconds() / options.reminderCount());
    report.progress(String.format(Locale.ROOT, "written; due from %s for %d s; waiting for them", start.toInstant(),
      options.spreadSeconds()));

    Duration limit = LEAD.plusSeconds(options.spreadSeconds()).plus(CATCH_UP);
    boolean complete = Await.until(() -> count(pool, FIRED_COUNT, measured.ids()) == options.reminderCount()
      && firstDelivery.size() == options.reminderCount(), limit);
    Await.until(() -> perReminder(pool, "event_log", measured.ids()).equals(Map.of(1L, (long) options.reminderCount())),
      Duration.ofSeconds(30));

    Histogram fired = new Histogram(3);
    Histogram committed = new Histogram(3);
    Map<String, Long> perInstance = new HashMap<>();
    long early = 0;
    for (Row row : Await.result(pool.preparedQuery(LATENESS).execute(Tuple.of(measured.ids())), SETUP_LIMIT)) {
      early += row.getLong(0) < 0 ? 1 : 0;
      fired.recordValue(Math.max(0, row.getLong(0)));
      committed.recordValue(Math.max(0, row.getLong(1)));
      perInstance.merge(row.getString(2), 1L, Long::sum);
    }
    Histogram delivered = new Histogram(3);
    firstDelivery.forEach((id, at) -> delivered.recordValue(Math.max(0, at - fireAtMicros.get(id))));

    out.println();
    latencies("fired", fired, "fired_at - fire_at, as the notifier stamps it in the firing transaction");
    latencies("committed", committed, "the firing transaction's commit - fire_at");
    latencies("delivered", delivered, "arrival on notifications.user.<userId> - fire_at (outbox, relay, Kafka, "
      + "the notifier's consumer)");
    report.line("instances", perInstance.values().stream().sorted().map(String::valueOf).toList()
      + " reminders fired by each notifier");
    out.println();

    Map<Long, Long> written = perReminder(pool, "outbox", measured.ids());
    Map<Long, Long> logged = perReminder(pool, "event_log", measured.ids());
    Row published = Await.result(pool.preparedQuery(PUBLISHED_UNPUBLISHED).execute(Tuple.of(
      EventTypes.REMINDER_TRIGGERED, (Object) measured.subjects())), SETUP_LIMIT).iterator().next();
    long deliveredTwice = deliveries.values().stream().filter(n -> n.get() > 1).count();
    long n = options.reminderCount();
    boolean once = complete && early == 0 && fired.getTotalCount() == n
      && written.equals(Map.of(1L, n)) && logged.equals(Map.of(1L, n))
      && published.getLong(0) == n && published.getLong(1) == 0
      && firstDelivery.size() == n && deliveredTwice == 0;
    report.line("exactly once", String.format(Locale.ROOT, "fired %d of %d (%d before their time); triggered events "
        + "per reminder in the outbox %s, in event_log %s; published %d, unpublished %d; delivered %d, twice or more "
        + "%d  %s", fired.getTotalCount(), n, early, written, logged, published.getLong(0), published.getLong(1),
      firstDelivery.size(), deliveredTwice, once ? "OK" : "MISMATCH"));
    double p99 = fired.getValueAtPercentile(99) / 1000.0;
    report.line("aim", String.format(Locale.ROOT, "firing p99 <= %.0f ms: %s (%.2f ms)", AIM_MS,
      p99 <= AIM_MS ? "met" : "NOT met", p99));
    return report.verdict(once);
  }

  private void latencies(String label, Histogram micros, String what) {
    report.line(label, micros.getTotalCount() == 0 ? "none" : "ms " + Report.percentiles(micros));
    report.line("", what);
  }

  /** One task per user, with reminders on them round-robin. */
  private record Tasks(UUID[] ids) {

    String[] subjects() {
      return java.util.Arrays.stream(ids).map(UUID::toString).toArray(String[]::new);
    }
  }

  /** A task for each user and {@code count} reminders on them, due {@code step} seconds apart from {@code start}. */
  private static Tasks schedule(Pool pool, List<UUID> users, int count, OffsetDateTime start, double step)
    throws Exception {
    List<UUID> taskIds = new ArrayList<>();
    List<UUID> taskUsers = new ArrayList<>();
    for (Row row : Await.result(pool.preparedQuery(CREATE_TASKS).execute(Tuple.of(users.toArray(UUID[]::new))),
      SETUP_LIMIT)) {
      taskIds.add(row.getUUID("id"));
      taskUsers.add(row.getUUID("user_id"));
    }
    Await.result(pool.preparedQuery(CREATE_REMINDERS).execute(Tuple.from(new Object[]{count, start, step,
      taskIds.toArray(UUID[]::new), taskUsers.toArray(UUID[]::new)})), SETUP_LIMIT);
    return new Tasks(taskIds.toArray(UUID[]::new));
  }

  /** The measured reminders by how many triggered events of theirs a table holds: {1=N} when each has one. */
  private static Map<Long, Long> perReminder(Pool pool, String table, UUID[] tasks) {
    Map<Long, Long> counts = new HashMap<>();
    try {
      Await.result(pool.preparedQuery(EVENTS_PER_REMINDER.formatted(table))
          .execute(Tuple.of(EventTypes.REMINDER_TRIGGERED, (Object) tasks)), SETUP_LIMIT)
        .forEach(row -> counts.put(row.getLong(0), row.getLong(1)));
    } catch (Exception e) {
      throw new IllegalStateException("Cannot count the events in " + table + ": " + e, e);
    }
    return counts;
  }

  private static OffsetDateTime now(Pool pool) throws Exception {
    return Await.result(pool.query("SELECT now()").execute(), SETUP_LIMIT).iterator().next().getOffsetDateTime(0);
  }

  private static long count(Pool pool, String query, UUID[] tasks) {
    try {
      return Await.result(pool.preparedQuery(query).execute(Tuple.of((Object) tasks)), SETUP_LIMIT).iterator().next()
        .getLong(0);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot count: " + e, e);
    }
  }

  private static long micros(Instant instant) {
    return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
  }
}
