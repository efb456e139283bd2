package dev.taskflow.bench;

import dev.taskflow.api.tasks.TaskRepository;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.outbox.OutboxWriter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/**
 * {@code java -jar taskflow-bench.jar [api] [--connections N] [--seconds S] ...}: creates tasks through
 * {@code POST /api/v1/tasks}, then through {@link TaskRepository#create} directly on a pool (the very transaction the
 * API runs, outbox event included), with the same closed-loop concurrency, and prints both, their ratio and a check
 * of the outbox contract. {@code backbone} runs the {@link BackboneBench} instead, {@code recurrence} the
 * {@link RecurrenceBench}, {@code reminders} the {@link RemindersBench}. See {@link BenchOptions#USAGE}.
 */
public final class Bench {

  private static final Duration SETUP_LIMIT = Duration.ofSeconds(60);

  private final BenchOptions options;
  private final PrintStream out;
  private final Report report;

  Bench(BenchOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
    this.report = new Report(out);
  }

  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.println(BenchOptions.USAGE);
      return;
    }
    int code;
    try {
      code = switch (options.benchmark()) {
        case BenchOptions.BACKBONE -> new BackboneBench(options, System.out).run();
        case BenchOptions.RECURRENCE -> new RecurrenceBench(options, System.out).run();
        case BenchOptions.REMINDERS -> new RemindersBench(options, System.out).run();
        default -> new Bench(options, System.out).run();
      };
    } catch (Exception e) {
      System.err.println("The bench could not run: " + e);
      code = 1;
    }
    System.exit(code);
  }

  int run() throws Exception {
    out.println("Taskflow bench: POST /api/v1/tasks over HTTP, then the same transaction straight on a pool");
    report.machine();
    Vertx driver = Vertx.vertx();
    try (LocalServer local = options.selfContained() ? startLocal() : null) {
      URI url = local != null ? local.apiUrl() : options.url();
      String dbUrl = local != null ? local.dbUrl() : options.dbUrl();
      ApiClient api = ApiClient.create(driver, url, options.connections());
      Pool pool = dbUrl == null ? null : Database.pool(driver, new DatabaseSettings(dbUrl, options.connections()));
      try {
        report.line("target", local != null
          ? "self-contained: API verticle at " + url + " (its own pool: " + local.poolSize()
            + " connections), temporary embedded PostgreSQL in " + local.root()
          : "the server at " + url + (dbUrl == null ? "" : ", its database at " + where(dbUrl)));
        return measure(driver, api, pool);
      } finally {
        Future<Void> closed = pool == null ? Future.succeededFuture() : pool.close();
        Await.result(closed.eventually(api::close), SETUP_LIMIT);
      }
    } finally {
      Await.result(driver.close(), SETUP_LIMIT);
    }
  }

  private int measure(Vertx driver, ApiClient api, Pool pool) throws Exception {
    String token = Await.result(token(api), SETUP_LIMIT);
    UUID userId = Await.result(api.me(token), SETUP_LIMIT);
    if (pool != null) {
      report.line("database", Await.result(PostgresInfo.read(pool), SETUP_LIMIT).toString());
    }
    report.line("parameters", String.format("%d connections / in-flight transactions, closed loop, %d s warm-up + "
      + "%d s measured per phase, one user (%s)", options.connections(), options.warmupSeconds(), options.seconds(),
      userId));
    report.line("note", "every create takes its user's row lock (users.event_seq, for the event sequence) until "
      + "commit, so one user's creates commit one at a time");
    UserCounts before = pool == null ? null : Await.result(UserCounts.read(pool, userId), SETUP_LIMIT);

    LoadLoop loop = LoadLoop.closed(driver, options.connections(),
      Duration.ofSeconds(options.warmupSeconds()), Duration.ofSeconds(options.seconds()));
    TaskWorkload workload = new TaskWorkload();

    report.progress("HTTP phase: " + phaseTimes());
    LoadResult http = Await.result(loop.run("HTTP  POST /api/v1/tasks",
      () -> api.createTask(token, workload.nextBody())), phaseLimit());
    report.phase(http, options.connections() + " connections (pool max), HTTP/1.1 keep-alive, "
      + api.connectionsOpened() + " opened in all");
    if (pool == null) {
      out.println();
      report.line("DB phase", "skipped: give --db-url postgresql://user:pass@127.0.0.1:5432/db (the server's "
        + "database) to run it and the outbox check");
      return report.verdict(http.clean());
    }

    report.progress("DB phase: " + phaseTimes());
    TaskRepository repository = new TaskRepository(pool, new OutboxWriter("bench"));
    LoadResult db = Await.result(loop.run("DB    TaskRepository.create",
      () -> repository.create(userId, workload.nextDraft(), UUID.randomUUID().toString())), phaseLimit());
    report.phase(db, "pool of " + options.connections() + ", " + options.connections()
      + " transactions in flight, the user above");

    report.comparison(http, db);
    UserCounts after = Await.result(UserCounts.read(pool, userId), SETUP_LIMIT);
    OutboxCheck check = new OutboxCheck(before, after, http.succeeded() + db.succeeded());
    report.check(check);
    return report.verdict(http.clean() && db.clean() && check.holds());
  }

  private Future<String> token(ApiClient api) {
    if (options.token() != null) {
      return Future.succeededFuture(options.token());
    }
    if (options.email() != null) {
      return api.login(options.email(), options.password());
    }
    String id = UUID.randomUUID().toString().substring(0, 8);
    return api.register("bench-" + id + "@example.com", "bench-" + UUID.randomUUID());
  }

  private LocalServer startLocal() throws Exception {
    report.progress("starting a temporary embedded PostgreSQL (fsync on, synchronous_commit on) and the API verticle");
    return LocalServer.start();
  }

  private Duration phaseLimit() {
    return Duration.ofSeconds(options.warmupSeconds() + options.seconds() + 30).plus(LoadLoop.DRAIN);
  }

  private String phaseTimes() {
    return options.warmupSeconds() + " s warm-up, " + options.seconds() + " s measured";
  }

  /** host:port/database of a database URL, without its credentials. */
  private static String where(String dbUrl) {
    PgConnectOptions o = PgConnectOptions.fromUri(dbUrl);
    return o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }
}
