package dev.taskflow.core.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The embedded PostgreSQL")
class EmbeddedPostgresServerTest {

  @TempDir
  Path root;

  @Test
  @DisplayName("takes only the password kept 0600 beside its 0700 data directory, on 127.0.0.1 only")
  void refusesLoginsWithoutThePassword() throws Exception {
    Path dataDir = root.resolve("postgres");
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, 0)) {
      Path passwordFile = root.resolve("postgres.password");
      assertThat(EmbeddedPostgresServer.passwordFile(dataDir)).isEqualTo(passwordFile);
      assertThat(mode(passwordFile)).isEqualTo("rw-------");
      assertThat(mode(dataDir)).isEqualTo("rwx------");
      String password = Files.readString(passwordFile).strip();
      assertThat(password).hasSizeGreaterThanOrEqualTo(32);
      assertThat(server.url("postgres")).contains(":" + password + "@127.0.0.1:" + server.port() + "/");

      assertRefused(server.port(), null);
      assertRefused(server.port(), "postgres");
      assertRefused(server.port(), password + "x");
      try (Connection connection = connect(server.port(), password)) {
        assertThat(query(connection, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
        assertThat(query(connection, "SHOW unix_socket_directories")).isEmpty();
      }
    }
  }

  @Test
  @DisplayName("gives a data directory made when it trusted every local login the password, keeping its data")
  void upgradesATrustingDataDirectory() throws Exception {
    Path dataDir = root.resolve("postgres");
    // what EmbeddedPostgresServer made before it had a password: zonky's defaults, initdb -A trust
    try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
      .setRegisterShutdownHook(false).setServerConfig("unix_socket_directories", "").start();
         Connection connection = old.getPostgresDatabase().getConnection();
         Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE kept (note text)");
      statement.execute("INSERT INTO kept VALUES ('from before')");
    }
    assertThat(Files.readString(dataDir.resolve("pg_hba.conf"))).containsPattern("(?m)^host.*trust$");

    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, 0)) {
      assertRefused(server.port(), null);
      String password = Files.readString(root.resolve("postgres.password")).strip();
      try (Connection connection = connect(server.port(), password)) {
        assertThat(query(connection, "SELECT note FROM kept")).isEqualTo("from before");
      }
    }
    // and the next start finds it done
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, 0)) {
      assertRefused(server.port(), null);
    }
  }

  @Test
  @DisplayName("says how to recover when its password file is lost, and sets a new password once pg_hba.conf trusts")
  void lostPasswordFile() throws Exception {
    Path dataDir = root.resolve("postgres");
    EmbeddedPostgresServer.start(dataDir, 0).close();
    Files.delete(root.resolve("postgres.password"));
    assertThatThrownBy(() -> EmbeddedPostgresServer.start(dataDir, 0))
      .isInstanceOf(IllegalStateException.class)
      .hasMessageContaining("postgres.password is missing")
      .hasMessageContaining("trust");

    Path hba = dataDir.resolve("pg_hba.conf");
    Files.writeString(hba, Files.readString(hba).replace("scram-sha-256", "trust"));
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, 0)) {
      assertRefused(server.port(), null);
      connect(server.port(), Files.readString(root.resolve("postgres.password")).strip()).close();
    }
  }

  @Test
  @DisplayName("stops the PostgreSQL a killed process left running on its directory, and starts on the same data")
  void stopsAPostgresLeftByAKilledProcess() throws Exception {
    Path dataDir = root.resolve("postgres");
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"), LeftoverChild.class.getName(), dataDir.toString())
      .redirectErrorStream(true).start();
    try {
      BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line;
      do {
        line = output.readLine();
        assertThat(line).as("the child's output until it is up").isNotNull();
      } while (!line.equals(LeftoverChild.UP));

      // while the process that started it lives, the directory is its own
      assertThatThrownBy(() -> EmbeddedPostgresServer.start(dataDir, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("in use by another running process");

      child.destroyForcibly(); // SIGKILL: no shutdown hook, no pg_ctl stop
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
      assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).as("the postmaster outlived its JVM")
        .contains(true);

      String password = Files.readString(root.resolve("postgres.password")).strip();
      try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(dataDir, 0);
           Connection connection = connect(server.port(), password)) {
        assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThat(query(connection, "SELECT note FROM kept")).isEqualTo("committed before the kill");
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
      EmbeddedPostgresServer.stopLeftover(dataDir); // when the test failed before its own start did it
    }
  }

  /** The other process: starts a server on the directory, commits a row, says so, and waits to be killed. */
  public static final class LeftoverChild {

    static final String UP = "LEFTOVER-CHILD-UP";

    public static void main(String[] args) throws Exception {
      EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Path.of(args[0]), 0);
      server.execute("CREATE TABLE kept (note text)");
      server.execute("INSERT INTO kept VALUES ('committed before the kill')");
      System.out.println(UP);
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
      server.close();
    }
  }

  private static void assertRefused(int port, String password) {
    assertThatThrownBy(() -> connect(port, password).close())
      .as("a login with " + (password == null ? "no password" : "a wrong password"))
      .isInstanceOf(SQLException.class);
  }

  private static Connection connect(int port, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "postgres");
    if (password != null) {
      properties.setProperty("password", password);
    }
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", properties);
  }

  private static String query(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      assertThat(rows.next()).isTrue();
      return rows.getString(1);
    }
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
