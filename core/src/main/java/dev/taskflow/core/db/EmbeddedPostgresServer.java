package dev.taskflow.core.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL server run from the binaries in the zonky jar, for the laptop run and the tests. Its data directory
 * is kept between runs unless it is {@link #temporary() temporary}. Blocking: start it before Vert.x deploys
 * anything, or on a worker thread.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts (initialising on first use) a server whose data lives in {@code dataDir}. */
  public static EmbeddedPostgresServer start(Path dataDir, int port) {
    try {
      Files.createDirectories(dataDir);
      long started = System.nanoTime();
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setServerConfig("max_connections", "200")
        .setServerConfig("fsync", "on")
        // zonky defaults to synchronous_commit=off; the laptop run's commits must be durable
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("unix_socket_directories", "");
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgresServer server = new EmbeddedPostgresServer(builder.start());
      LOG.info("Embedded PostgreSQL up on port {} in {} ms, data in {}", server.port(),
        (System.nanoTime() - started) / 1_000_000, dataDir.toAbsolutePath());
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + dataDir, e);
    }
  }

  /** A throw-away server for tests: fresh data directory, deleted on close, no fsync. */
  public static EmbeddedPostgresServer temporary() {
    try {
      return new EmbeddedPostgresServer(EmbeddedPostgres.builder()
        .setCleanDataDirectory(true)
        .setServerConfig("max_connections", "300")
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off")
        .setServerConfig("full_page_writes", "off")
        .setServerConfig("unix_socket_directories", "")
        .start());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start a temporary embedded PostgreSQL", e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** The URL of one database on this server, as {@code db.url} takes it. */
  public String url(String database) {
    return "postgresql://postgres:postgres@localhost:" + port() + "/" + database;
  }

  /** Runs one SQL statement as the superuser against the {@code postgres} database (e.g. CREATE DATABASE). */
  public void execute(String sql) {
    try (var connection = postgres.getPostgresDatabase().getConnection();
         var statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("Embedded PostgreSQL refused: " + sql, e);
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
    }
  }
}
