package dev.taskflow.bench;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.audit.AuditVerticle;
import dev.taskflow.notifier.NotifierVerticle;
import dev.taskflow.recurrence.RecurrenceVerticle;
import dev.taskflow.core.config.TaskflowConfig;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.db.EmbeddedPostgresServer;
import dev.taskflow.core.kafka.EmbeddedKafkaServer;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.transport.EventPublisher;
import dev.taskflow.core.transport.Transports;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The self-contained target: a PostgreSQL from the embedded binaries in a temporary directory with durable commits
 * (fsync and synchronous commits on, as the laptop run has them; not
 * {@link EmbeddedPostgresServer#temporary()}, which turns durability off), the schema, and in its own Vert.x either
 * the API verticle on a free loopback port, or the event backbone: a temporary embedded Kafka broker, the outbox
 * relay and the audit verticle (or the recurrence verticle). Blocking; run it from {@code main}. Closing it removes everything, data included.
 */
final class LocalServer implements AutoCloseable {

  /**
   * zonky's builder starts PostgreSQL with {@code synchronous_commit=off}, which {@code EmbeddedPostgresServer.start}
   * leaves as is: a commit would be acknowledged before its WAL is flushed, fsync or not. A database-level setting
   * outranks the command line, so every session the API and the harness open waits for the flush.
   */
  private static final Duration DEPLOY_LIMIT = Duration.ofSeconds(60);

  private final Path root;
  private EmbeddedPostgresServer postgres;
  private EmbeddedKafkaServer kafka;
  private Vertx vertx;
  private JsonObject config;

  private LocalServer(Path root) {
    this.root = root;
  }

  /** The database and the API verticle, as the launcher runs it: one instance per core, each with its pool. */
  static LocalServer start() throws Exception {
    LocalServer local = new LocalServer(Files.createTempDirectory("taskflow-bench-"));
    try {
      // no relay runs here, so no broker is needed: the API's readiness check gets the broker-less transport
      local.startDatabase(false).put("http.host", "127.0.0.1").put("http.port", freePort())
        .put("transport", Transports.EVENTBUS);
      Await.result(local.vertx.deployVerticle(ApiVerticle.class, new DeploymentOptions().setConfig(local.config)
        .setInstances(Runtime.getRuntime().availableProcessors())), DEPLOY_LIMIT);
      return local;
    } catch (Exception | Error e) {
      local.close();
      throw e;
    }
  }

  /**
   * The database, with commit timestamps on, a Kafka broker, the audit verticle (the real consumer) and the outbox
   * relay, whose Kafka publisher is wrapped by {@code decorate}.
   */
  static LocalServer startBackbone(UnaryOperator<EventPublisher> decorate) throws Exception {
    return startWithBroker(AuditVerticle.class, decorate);
  }

  /** The database, with commit timestamps on, a Kafka broker, a recurrence verticle and the outbox relay. */
  static LocalServer startRecurrence() throws Exception {
    return startWithBroker(RecurrenceVerticle.class, UnaryOperator.identity());
  }

  private static LocalServer startWithBroker(Class<? extends Deployable> consumer, UnaryOperator<EventPublisher> decorate)
    throws Exception {
    LocalServer local = new LocalServer(Files.createTempDirectory("taskflow-bench-"));
    try {
      local.kafka = EmbeddedKafkaServer.temporary();
      local.startDatabase(true).put("transport", Transports.KAFKA).put("kafka.bootstrap", local.kafka.bootstrapServers());
      DeploymentOptions once = new DeploymentOptions().setConfig(local.config);
      Await.result(local.vertx.deployVerticle(consumer, once)
        .compose(id -> local.vertx.deployVerticle(new RelayVerticle((vertx, config) ->
          Transports.publisher(vertx, config).map(decorate)), once)), DEPLOY_LIMIT);
      return local;
    } catch (Exception | Error e) {
      local.close();
      throw e;
    }
  }

  /**
   * The backbone of {@link #startBackbone} (the relay publishing as it is) and {@code notifiers} notifier verticles,
   * each one instance with its own timer, consumers and pools, as separate processes would run them.
   */
  static LocalServer startReminders(int notifiers) throws Exception {
    LocalServer local = startBackbone(UnaryOperator.identity());
    try {
      for (int i = 0; i < notifiers; i++) {
        Await.result(local.vertx.deployVerticle(new NotifierVerticle(), new DeploymentOptions()
          .setConfig(local.config)), DEPLOY_LIMIT);
      }
      return local;
    } catch (Exception | Error e) {
      local.close();
      throw e;
    }
  }

  /**
   * Starts PostgreSQL, migrates it and creates the Vert.x; answers the configuration, to add to. With
   * {@code commitTimestamps}, {@code track_commit_timestamp} is turned on, which takes a restart, so that
   * {@code pg_xact_commit_timestamp(xmin)} tells when each row committed.
   */
  private JsonObject startDatabase(boolean commitTimestamps) {
    Path data = root.resolve("postgres");
    postgres = EmbeddedPostgresServer.start(data, 0);
    if (commitTimestamps) {
      postgres.execute("ALTER SYSTEM SET track_commit_timestamp = on");
      postgres.close();
      postgres = EmbeddedPostgresServer.start(data, 0);
    }
    String dbUrl = postgres.url("postgres");
    Database.migrateNow(new DatabaseSettings(dbUrl, 1));
    config = TaskflowConfig.defaults()
      .put("db.url", dbUrl)
      .put("data.dir", root.resolve("data").toString());
    vertx = TaskflowVertx.create();
    return config;
  }

  URI apiUrl() {
    return URI.create("http://127.0.0.1:" + config.getInteger("http.port"));
  }

  /** The Vert.x the verticles run on: its event bus is theirs. */
  Vertx vertx() {
    return vertx;
  }

  String dbUrl() {
    return config.getString("db.url");
  }

  /** The size of each verticle's own connection pool. */
  int poolSize() {
    return DatabaseSettings.from(config).poolSize();
  }

  String kafkaBootstrap() {
    return kafka.bootstrapServers();
  }

  Path root() {
    return root;
  }

  @Override
  public void close() {
    if (vertx != null) {
      try {
        Await.result(vertx.close(), Duration.ofSeconds(30));
      } catch (Exception e) {
        System.err.println("Vert.x did not close cleanly: " + e);
      }
    }
    if (kafka != null) {
      kafka.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    deleteTree(root);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("Could not remove " + root + ": " + e);
    }
  }
}
