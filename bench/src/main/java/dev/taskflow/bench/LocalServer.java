package dev.taskflow.bench;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.core.config.TaskflowConfig;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.db.EmbeddedPostgresServer;
import dev.taskflow.core.runtime.TaskflowVertx;
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
import java.util.stream.Stream;

/**
 * The self-contained target: a PostgreSQL from the embedded binaries in a temporary directory with durable commits
 * (fsync and synchronous commits on, as the laptop run has them; not
 * {@link EmbeddedPostgresServer#temporary()}, which turns durability off), the schema, and the API verticle on a free
 * loopback port in its own Vert.x. Blocking; run it from {@code main}. Closing it removes
 * everything, data included.
 */
final class LocalServer implements AutoCloseable {

  /**
   * zonky's builder starts PostgreSQL with {@code synchronous_commit=off}, which {@code EmbeddedPostgresServer.start}
   * leaves as is: a commit would be acknowledged before its WAL is flushed, fsync or not. A database-level setting
   * outranks the command line, so every session the API and the harness open waits for the flush.
   */
  private final Path root;
  private final EmbeddedPostgresServer postgres;
  private final Vertx vertx;
  private final JsonObject config;

  private LocalServer(Path root, EmbeddedPostgresServer postgres, Vertx vertx, JsonObject config) {
    this.root = root;
    this.postgres = postgres;
    this.vertx = vertx;
    this.config = config;
  }

  static LocalServer start() throws Exception {
    Path root = Files.createTempDirectory("taskflow-bench-");
    EmbeddedPostgresServer postgres = null;
    Vertx vertx = null;
    try {
      postgres = EmbeddedPostgresServer.start(root.resolve("postgres"), 0);
      String dbUrl = postgres.url("postgres");
      Database.migrateNow(new DatabaseSettings(dbUrl, 1));
      JsonObject config = TaskflowConfig.defaults()
        .put("db.url", dbUrl)
        .put("data.dir", root.resolve("data").toString())
        .put("http.host", "127.0.0.1")
        .put("http.port", freePort());
      vertx = TaskflowVertx.create();
      // as the launcher runs it: one API instance per core, each with the default pool
      Await.result(vertx.deployVerticle(ApiVerticle.class, new DeploymentOptions().setConfig(config)
          .setInstances(Runtime.getRuntime().availableProcessors())),
        Duration.ofSeconds(60));
      return new LocalServer(root, postgres, vertx, config);
    } catch (Exception | Error e) {
      new LocalServer(root, postgres, vertx, null).close();
      throw e;
    }
  }

  URI apiUrl() {
    return URI.create("http://127.0.0.1:" + config.getInteger("http.port"));
  }

  String dbUrl() {
    return config.getString("db.url");
  }

  /** The size of the API verticle's own connection pool. */
  int apiPoolSize() {
    return DatabaseSettings.from(config).poolSize();
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
