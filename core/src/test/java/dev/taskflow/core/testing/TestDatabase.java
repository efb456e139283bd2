package dev.taskflow.core.testing;

import dev.taskflow.core.config.TaskflowConfig;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.db.EmbeddedPostgresServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * Gives a test class a fresh, migrated database. One embedded PostgreSQL serves the whole test JVM; each test class
 * that registers this extension gets its own database on it, so classes never see each other's rows.
 *
 * <pre>{@code @RegisterExtension static TestDatabase db = new TestDatabase();}</pre>
 */
public final class TestDatabase implements BeforeAllCallback {

  private static EmbeddedPostgresServer server;

  private final boolean migrated;
  private String name;
  private Path dataDir;

  public TestDatabase() {
    this(true);
  }

  /** @param migrated false: an empty database, for a test of the migrations themselves */
  public TestDatabase(boolean migrated) {
    this.migrated = migrated;
  }

  private static synchronized EmbeddedPostgresServer server() {
    if (server == null) {
      server = EmbeddedPostgresServer.temporary();
      EmbeddedPostgresServer started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "embedded-postgres-stop"));
    }
    return server;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    server().execute("CREATE DATABASE " + name);
    if (migrated) {
      Database.migrateNow(settings());
    }
    try {
      dataDir = Files.createTempDirectory("taskflow-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return server().url(name);
  }

  public DatabaseSettings settings() {
    return new DatabaseSettings(url(), 8);
  }

  /**
   * The full configuration a verticle under test gets: the defaults, this database, a free port, a temp data dir, and
   * the event-bus transport (tests of the Kafka path add {@code TestKafka}'s settings).
   */
  public JsonObject config() {
    return TaskflowConfig.defaults()
      .put("db.url", url())
      .put("db.pool.size", 8)
      .put("data.dir", dataDir.toString())
      .put("http.host", "127.0.0.1")
      .put("http.port", freePort())
      .put("transport", "eventbus");
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
