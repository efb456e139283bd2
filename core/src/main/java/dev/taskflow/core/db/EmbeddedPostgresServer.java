package dev.taskflow.core.db;

import dev.taskflow.core.runtime.PrivateFiles;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A PostgreSQL server run from the binaries in the zonky jar, for the laptop run and the tests. Its data directory
 * is kept between runs unless it is {@link #temporary() temporary}. Blocking: start it before Vert.x deploys
 * anything, or on a worker thread.
 *
 * <p>Only its owner gets in: it listens on 127.0.0.1 only (no Unix socket), and every connection, local or not,
 * authenticates with scram-sha-256 as {@code postgres} with a random password made on the first run and kept beside
 * the data directory ({@code <dir>.password}, mode 0600; the data directory is 0700). Without that, any user of the
 * machine could connect as the superuser and read every file Taskflow can ({@code pg_read_file}) or run commands
 * ({@code COPY ... TO PROGRAM}). A data directory made before that (zonky's initdb trusts every local connection) gets
 * the password and the scram-only {@code pg_hba.conf} at its first start.
 *
 * <p>A PostgreSQL left running on the directory by a process that died without stopping it is stopped first
 * ({@link #stopLeftover}).
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final String HOST = "127.0.0.1";
  private static final String SUPERUSER = "postgres";
  /** zonky's lock file in the data directory, held for as long as an {@link EmbeddedPostgres} runs on it. */
  private static final String ZONKY_LOCK = "epg-lock";
  private static final String PG_HBA = """
    # Written by Taskflow (EmbeddedPostgresServer): TCP on 127.0.0.1 only, every connection with the superuser's
    # password (scram-sha-256), which Taskflow keeps, mode 0600, beside this data directory. No Unix socket is open.
    # TYPE  DATABASE     USER  ADDRESS       METHOD
    local   all          all                 scram-sha-256
    host    all          all   127.0.0.1/32  scram-sha-256
    host    replication  all   127.0.0.1/32  scram-sha-256
    """;

  private final EmbeddedPostgres postgres;
  private final String password;
  private final Path deleteOnClose;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, String password, Path deleteOnClose) {
    this.postgres = postgres;
    this.password = password;
    this.deleteOnClose = deleteOnClose;
  }

  /**
   * Starts (initialising on first use) a server whose data lives in {@code dataDir}, with its password in
   * {@link #passwordFile(Path)}, on {@code port} (0: a free one).
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port) {
    return start(dataDir, port, true, null);
  }

  /** Where the password of the server on {@code dataDir} is kept: {@code <dataDir>.password}, beside it. */
  public static Path passwordFile(Path dataDir) {
    Path absolute = dataDir.toAbsolutePath().normalize();
    return absolute.resolveSibling(absolute.getFileName() + ".password");
  }

  /** A throw-away server for tests: fresh data directory and password, deleted on close, no fsync. */
  public static EmbeddedPostgresServer temporary() {
    try {
      Path root = Files.createTempDirectory("taskflow-postgres-");
      return start(root.resolve("postgres"), 0, false, root);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory for PostgreSQL", e);
    }
  }

  private static EmbeddedPostgresServer start(Path dataDir, int port, boolean durable, Path deleteOnClose) {
    try {
      PrivateFiles.directory(dataDir);
      stopLeftover(dataDir);
      Path passwordFile = passwordFile(dataDir);
      requirePasswordFileOfInitialisedDirectory(dataDir, passwordFile);
      String password = PrivateFiles.secret(passwordFile, EmbeddedPostgresServer::newPassword);
      long started = System.nanoTime();
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(!durable)
        .setRegisterShutdownHook(false)
        // initdb's options (zonky passes these as --key=value after its own "-A trust", so they win)
        .setLocaleConfig("auth", "scram-sha-256")
        .setLocaleConfig("pwfile", passwordFile.toString())
        .setServerConfig("listen_addresses", HOST)
        .setServerConfig("unix_socket_directories", "")
        .setConnectConfig("password", password);
      if (durable) {
        builder.setServerConfig("max_connections", "200")
          .setServerConfig("fsync", "on")
          // zonky defaults to synchronous_commit=off; the laptop run's commits must be durable
          .setServerConfig("synchronous_commit", "on");
      } else {
        builder.setServerConfig("max_connections", "300")
          .setServerConfig("fsync", "off")
          .setServerConfig("synchronous_commit", "off")
          .setServerConfig("full_page_writes", "off");
      }
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgresServer server = new EmbeddedPostgresServer(builder.start(), password, deleteOnClose);
      try {
        server.requirePassword(dataDir);
      } catch (RuntimeException e) {
        server.close();
        throw e;
      }
      LOG.info("Embedded PostgreSQL up on {}:{} in {} ms, data in {}", HOST, server.port(),
        (System.nanoTime() - started) / 1_000_000, dataDir.toAbsolutePath().normalize());
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the embedded PostgreSQL in " + dataDir, e);
    }
  }

  /**
   * Stops a PostgreSQL that a process which died without stopping it left running on {@code dataDir} (see
   * {@link LeftoverPostmaster}); nothing when none runs. Fails when a live process holds the directory (zonky's lock
   * in it), without touching its server. {@link #start} does this first; call it earlier to free the port the leftover
   * listens on before checking that ports are free.
   */
  public static void stopLeftover(Path dataDir) {
    if (!Files.exists(dataDir.resolve("postmaster.pid"))) {
      return;
    }
    try (FileChannel channel = FileChannel.open(dataDir.resolve(ZONKY_LOCK), StandardOpenOption.CREATE,
      StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
      if (lock == null) {
        throw new IllegalStateException("The embedded PostgreSQL's data directory "
          + dataDir.toAbsolutePath().normalize() + " is in use by another running process");
      }
      LeftoverPostmaster.stop(dataDir);
    } catch (OverlappingFileLockException e) {
      throw new IllegalStateException("The embedded PostgreSQL's data directory "
        + dataDir.toAbsolutePath().normalize() + " is in use by a server of this process already", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + dataDir.resolve(ZONKY_LOCK), e);
    }
  }

  /**
   * A data directory that takes only the password, whose password file is gone, cannot be opened with a new one (zonky
   * would wait 10 s and report a timeout): says what to do instead.
   */
  private static void requirePasswordFileOfInitialisedDirectory(Path dataDir, Path passwordFile) throws IOException {
    Path hba = dataDir.resolve("pg_hba.conf");
    if (!Files.exists(passwordFile) && Files.exists(hba)
      && Files.readString(hba, StandardCharsets.UTF_8).equals(PG_HBA)) {
      throw new IllegalStateException("The embedded PostgreSQL in " + dataDir.toAbsolutePath().normalize()
        + " takes only its password, and " + passwordFile + " is missing: restore it, or change scram-sha-256 to "
        + "trust in " + hba + " and start again, which sets a new password");
    }
  }

  /**
   * Makes sure the server takes no connection without the password: on a data directory made before the server had
   * one, sets it and replaces the trusting {@code pg_hba.conf} (the connection that does it still works because it
   * is trusted), reloads, and waits until a password-less login is refused. A crash halfway is repaired next time,
   * as the file is only replaced after the password is set.
   */
  private void requirePassword(Path dataDir) {
    Path hba = dataDir.resolve("pg_hba.conf");
    try {
      String before = Files.readString(hba, StandardCharsets.UTF_8);
      if (before.equals(PG_HBA)) {
        return;
      }
      executeAll("SET password_encryption = 'scram-sha-256'",
        "ALTER ROLE " + SUPERUSER + " PASSWORD '" + password.replace("'", "''") + "'");
      Path temp = dataDir.resolve("pg_hba.conf.taskflow-tmp");
      Files.writeString(temp, PG_HBA, StandardCharsets.UTF_8);
      Files.move(temp, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      executeAll("SELECT pg_reload_conf()");
      awaitPasswordRequired();
      if (before.lines().anyMatch(line -> !line.startsWith("#") && line.strip().endsWith("trust"))) {
        LOG.info("Embedded PostgreSQL in {} trusted every local connection; now it takes only the password in {} "
          + "(scram-sha-256)", dataDir.toAbsolutePath().normalize(), passwordFile(dataDir));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot rewrite " + hba, e);
    }
  }

  /** A reload is asynchronous: waits (at most 10 s) until the server asks a password-less login for a password. */
  private void awaitPasswordRequired() {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (acceptsWithoutPassword()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("The embedded PostgreSQL still lets users in without a password after its "
          + "pg_hba.conf was replaced");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while reloading the embedded PostgreSQL", e);
      }
    }
  }

  private boolean acceptsWithoutPassword() {
    Properties noPassword = new Properties();
    noPassword.setProperty("user", SUPERUSER);
    try (Connection ignored = new org.postgresql.Driver().connect(
      "jdbc:postgresql://" + HOST + ":" + port() + "/postgres", noPassword)) {
      return true;
    } catch (SQLException refused) {
      return false;
    }
  }

  private static String newPassword() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public int port() {
    return postgres.getPort();
  }

  /** The URL of one database on this server, as {@code db.url} takes it, with the superuser's password. */
  public String url(String database) {
    return "postgresql://" + SUPERUSER + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@" + HOST + ":"
      + port() + "/" + database;
  }

  /** Runs one SQL statement as the superuser against the {@code postgres} database (e.g. CREATE DATABASE). */
  public void execute(String sql) {
    executeAll(sql);
  }

  private void executeAll(String... sql) {
    try (Connection connection = postgres.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement()) {
      for (String one : sql) {
        statement.execute(one);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Embedded PostgreSQL refused: " + (sql.length == 1 ? sql[0] : "a statement")
        + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
    }
    if (deleteOnClose != null) {
      try (Stream<Path> paths = Files.walk(deleteOnClose)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException e) {
        LOG.warn("Cannot delete {}", deleteOnClose, e);
      }
    }
  }
}
