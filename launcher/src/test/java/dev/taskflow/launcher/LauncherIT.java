package dev.taskflow.launcher;

import dev.taskflow.core.db.EmbeddedPostgresServer;
import dev.taskflow.core.kafka.EmbeddedKafkaServer;
import dev.taskflow.core.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.taskflow.launcher.Jar.HTTP;
import static dev.taskflow.launcher.Jar.awaitReady;
import static dev.taskflow.launcher.Jar.field;
import static dev.taskflow.launcher.Jar.get;
import static dev.taskflow.launcher.Jar.post;
import static dev.taskflow.launcher.Jar.stop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs {@code java -jar taskflow.jar} as a user would, and stops it as Kubernetes would (SIGTERM). */
@DisplayName("The fat jar")
class LauncherIT {

  @RegisterExtension
  static TestDatabase external = new TestDatabase();

  final Jar jar = new Jar();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    jar.killLeftovers();
  }

  @Test
  @DisplayName("starts with the embedded PostgreSQL, keeps a task across a SIGTERM and a restart, and stops the database")
  void embeddedRestart(@TempDir Path workDir) throws Exception {
    int port = TestDatabase.freePort();
    Map<String, String> env = Map.of("TASKFLOW_HTTP_PORT", Integer.toString(port));

    Process first = jar.start(workDir, env);
    Duration ready = awaitReady(port, first);
    System.out.printf("taskflow.jar ready in %d ms (embedded PostgreSQL, first run)%n", ready.toMillis());
    HttpResponse<String> registered = post(port, "/api/v1/auth/register", null,
      "{\"email\":\"it@example.com\",\"password\":\"integration test pw\"}");
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    HttpResponse<String> created = post(port, "/api/v1/tasks", field(registered.body(), "token"),
      "{\"title\":\"Survive a restart\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    String taskId = field(created.body(), "id");
    stop(first, workDir);
    assertThat(workDir.resolve("taskflow-data/postgres/postmaster.pid")).as("embedded PostgreSQL stopped")
      .doesNotExist();

    Process second = jar.start(workDir, env);
    System.out.printf("taskflow.jar ready in %d ms (second run, same data)%n", awaitReady(port, second).toMillis());
    HttpResponse<String> login = post(port, "/api/v1/auth/login", null,
      "{\"email\":\"it@example.com\",\"password\":\"integration test pw\"}");
    assertThat(login.statusCode()).as("the account survived, and the signing key too").isEqualTo(200);
    HttpResponse<String> task = get(port, "/api/v1/tasks/" + taskId, field(login.body(), "token"));
    assertThat(task.statusCode()).isEqualTo(200);
    assertThat(task.body()).contains("Survive a restart");
    // the token issued before the restart is still good: the key pair is kept in the data directory
    assertThat(get(port, "/api/v1/me", field(registered.body(), "token")).statusCode()).isEqualTo(200);
    stop(second, workDir);
  }

  @Test
  @DisplayName("the README's run after a kill -9: the next start stops the PostgreSQL left running and finds the data")
  void killedAndStartedAgain(@TempDir Path workDir) throws Exception {
    int port = TestDatabase.freePort();
    Map<String, String> env = Map.of("TASKFLOW_HTTP_PORT", Integer.toString(port));
    Process first = jar.start(workDir, env);
    awaitReady(port, first);
    HttpResponse<String> registered = post(port, "/api/v1/auth/register", null,
      "{\"email\":\"killed@example.com\",\"password\":\"integration test pw\"}");
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    HttpResponse<String> created = post(port, "/api/v1/tasks", field(registered.body(), "token"),
      "{\"title\":\"Survive a kill -9\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    String taskId = field(created.body(), "id");

    first.destroyForcibly(); // SIGKILL: no shutdown hook runs, nothing stops the embedded PostgreSQL
    assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
    try {
      restartAfterTheKill(workDir, port, env, taskId);
    } finally {
      jar.killLeftovers();
      EmbeddedPostgresServer.stopLeftover(workDir.resolve("taskflow-data/postgres")); // if the restart failed
    }
  }

  private void restartAfterTheKill(Path workDir, int port, Map<String, String> env, String taskId) throws Exception {
    long postmaster = Long.parseLong(
      Files.readAllLines(workDir.resolve("taskflow-data/postgres/postmaster.pid")).get(0).strip());
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).as("PostgreSQL outlived the killed jar")
      .contains(true);

    Process second = jar.start(workDir, env);
    Duration ready = awaitReady(port, second);
    System.out.printf("taskflow.jar ready in %d ms after a kill -9 (the PostgreSQL left running stopped first)%n",
      ready.toMillis());
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    HttpResponse<String> login = post(port, "/api/v1/auth/login", null,
      "{\"email\":\"killed@example.com\",\"password\":\"integration test pw\"}");
    assertThat(login.statusCode()).isEqualTo(200);
    String token = field(login.body(), "token");
    HttpResponse<String> task = get(port, "/api/v1/tasks/" + taskId, token);
    assertThat(task.statusCode()).isEqualTo(200);
    assertThat(task.body()).contains("Survive a kill -9");
    assertThat(post(port, "/api/v1/tasks", token, "{\"title\":\"And another\"}").statusCode()).isEqualTo(201);
    String log = Files.readString(workDir.resolve("taskflow.log"));
    assertThat(log).contains("PostgreSQL (pid " + postmaster + ") is still running");
    // where the second start's time went
    log.substring(log.indexOf("is still running")).lines()
      .filter(line -> line.contains("leftover PostgreSQL") || line.contains(" up ") || line.contains("started in"))
      .forEach(line -> System.out.println("  " + line));

    // the embedded PostgreSQL takes no login without the password in taskflow-data/postgres.password
    Matcher up = Pattern.compile("Embedded PostgreSQL up on 127\\.0\\.0\\.1:(\\d+)").matcher(log);
    String pgPort = null;
    while (up.find()) {
      pgPort = up.group(1);
    }
    assertThat(pgPort).isNotNull();
    Properties noPassword = new Properties();
    noPassword.setProperty("user", "postgres");
    String jdbc = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
    assertThatThrownBy(() -> DriverManager.getConnection(jdbc, noPassword).close()).isInstanceOf(SQLException.class);
    Properties withPassword = new Properties();
    withPassword.setProperty("user", "postgres");
    withPassword.setProperty("password",
      Files.readString(workDir.resolve("taskflow-data/postgres.password")).strip());
    DriverManager.getConnection(jdbc, withPassword).close();
    stop(second, workDir);
  }

  @Test
  @DisplayName("refuses a second start on a data directory in use with the owner's pid and exit code 3")
  void secondStartRefused(@TempDir Path workDir) throws Exception {
    Path firstDir = Files.createDirectory(workDir.resolve("first"));
    Path secondDir = Files.createDirectory(workDir.resolve("second"));
    int port = TestDatabase.freePort();
    Process first = jar.start(firstDir, Map.of("TASKFLOW_HTTP_PORT", Integer.toString(port)));
    awaitReady(port, first);

    Process second = jar.start(secondDir, Map.of("TASKFLOW_HTTP_PORT", Integer.toString(TestDatabase.freePort()),
      "TASKFLOW_DATA_DIR", firstDir.resolve("taskflow-data").toString()));
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isEqualTo(3);
    String log = Files.readString(secondDir.resolve("taskflow.log"));
    assertThat(log).contains("Taskflow is already running on the data directory " + firstDir.resolve("taskflow-data"))
      .contains("(pid " + first.pid() + ")")
      .doesNotContain("\tat ")
      .doesNotContain("Embedded PostgreSQL up");
    assertThat(get(port, "/health/ready", null).statusCode()).as("the first one is unharmed").isEqualTo(200);
    stop(first, firstDir);
  }

  @Test
  @DisplayName("refuses a port in use, naming its setting, with exit code 4, before PostgreSQL and Kafka start")
  void busyPortNamed(@TempDir Path workDir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      int port = taken.getLocalPort();
      Process process = jar.start(workDir, Map.of("TASKFLOW_HTTP_PORT", Integer.toString(port)));
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(4);
      assertThat(Files.readString(workDir.resolve("taskflow.log")))
        .contains("http.port (TASKFLOW_HTTP_PORT) " + port + " on 0.0.0.0 is in use")
        .doesNotContain("\tat ")
        .doesNotContain("Embedded PostgreSQL up")
        .doesNotContain("Embedded Kafka up");
      assertThat(workDir.resolve("taskflow-data/postgres")).doesNotExist();
    }
  }

  @Test
  @DisplayName("uses an external PostgreSQL given by TASKFLOW_DB_URL and starts no embedded one")
  void externalDatabase(@TempDir Path workDir) throws Exception {
    int port = TestDatabase.freePort();
    Process process = jar.start(workDir, Map.of("TASKFLOW_HTTP_PORT", Integer.toString(port),
      "TASKFLOW_DB_URL", external.url()), "--verticles", "api");
    awaitReady(port, process);
    assertThat(post(port, "/api/v1/auth/register", null,
      "{\"email\":\"ext@example.com\",\"password\":\"integration test pw\"}").statusCode()).isEqualTo(201);
    assertThat(workDir.resolve("taskflow-data/postgres")).doesNotExist();
    stop(process, workDir);
  }

  @Test
  @DisplayName("every process serves metrics and health on its management port, a worker-only one too; the public "
    + "port has no /metrics")
  void managementPort(@TempDir Path workDir) throws Exception {
    int port = TestDatabase.freePort();
    int apiManagement = TestDatabase.freePort();
    int workerManagement = TestDatabase.freePort();
    Path apiDir = Files.createDirectories(workDir.resolve("api"));
    Path workerDir = Files.createDirectories(workDir.resolve("worker"));
    Process api = jar.start(apiDir, Map.of("TASKFLOW_HTTP_PORT", Integer.toString(port),
      "TASKFLOW_MANAGEMENT_PORT", Integer.toString(apiManagement), "TASKFLOW_DB_URL", external.url(),
      "TASKFLOW_TRANSPORT", "eventbus"), "--verticles", "api");
    Process worker = jar.start(workerDir, Map.of("TASKFLOW_MANAGEMENT_PORT", Integer.toString(workerManagement),
      "TASKFLOW_DB_URL", external.url(), "TASKFLOW_TRANSPORT", "eventbus"), "--verticles", "audit");
    awaitReady(port, api);
    awaitReady(apiManagement, api);
    awaitReady(workerManagement, worker);
    assertThat(post(port, "/api/v1/auth/register", null,
      "{\"email\":\"mgmt@example.com\",\"password\":\"integration test pw\"}").statusCode()).isEqualTo(201);
    assertThat(get(apiManagement, "/metrics", null).body()).contains("vertx_http_server_requests_total")
      .contains("jvm_memory_used_bytes");
    assertThat(get(workerManagement, "/metrics", null).body()).contains("jvm_memory_used_bytes");
    assertThat(get(workerManagement, "/health/ready", null).body()).contains("\"id\":\"database\"");
    assertThat(get(port, "/metrics", null).statusCode()).isEqualTo(404);
    stop(api, apiDir);
    stop(worker, workerDir);
  }

  /** Registers, then creates, renames, completes and deletes a task; answers its id. */
  private static String fourChanges(int port, String email) throws Exception {
    HttpResponse<String> registered = post(port, "/api/v1/auth/register", null,
      "{\"email\":\"" + email + "\",\"password\":\"integration test pw\"}");
    String token = field(registered.body(), "token");
    String id = field(post(port, "/api/v1/tasks", token, "{\"title\":\"Four events\"}").body(), "id");
    HttpResponse<String> patched = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/api/v1/tasks/" + id)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
      .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"title\":\"Four events, renamed\"}")).build(),
      HttpResponse.BodyHandlers.ofString());
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(post(port, "/api/v1/tasks/" + id + "/complete", token, "").statusCode()).isEqualTo(200);
    HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
      + "/api/v1/tasks/" + id)).header("Authorization", "Bearer " + token).DELETE().build(),
      HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).isEqualTo(204);
    // the same four come back from the history, oldest first
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String history;
    do {
      Thread.sleep(200);
      history = get(port, "/api/v1/tasks/" + id + "/events", token).body();
    } while (!history.contains("taskflow.task.deleted") && System.nanoTime() < deadline);
    assertThat(typesIn(history)).containsExactly(FOUR);
    return id;
  }

  static final String[] FOUR = {"taskflow.task.created", "taskflow.task.updated", "taskflow.task.completed",
    "taskflow.task.deleted"};

  private static List<String> typesIn(String text) {
    List<String> types = new ArrayList<>();
    Matcher m = Pattern.compile("\"type\":\"(taskflow\\.[a-z.]+)\"").matcher(text);
    while (m.find()) {
      types.add(m.group(1));
    }
    return types;
  }

  /** Kafka's own console consumer, run as its own process, reading a topic from the beginning. */
  private static String consoleConsumer(String bootstrap, String topic, int messages, Path workDir) throws Exception {
    Path out = workDir.resolve("console-consumer.out");
    Process consumer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.consumer.ConsoleConsumer",
      "--bootstrap-server", bootstrap, "--topic", topic, "--from-beginning", "--max-messages",
      Integer.toString(messages), "--timeout-ms", "60000", "--property", "print.key=true")
      .redirectErrorStream(false)
      .redirectOutput(out.toFile())
      .redirectError(ProcessBuilder.Redirect.appendTo(workDir.resolve("console-consumer.err").toFile()))
      .start();
    assertThat(consumer.waitFor(90, TimeUnit.SECONDS)).as("console consumer finished").isTrue();
    return Files.readString(out);
  }

  @Test
  @DisplayName("the README's run: four changes are four CloudEvents in order on task-events, as Kafka's console consumer reads them")
  void fourEventsOnTheEmbeddedBroker(@TempDir Path workDir) throws Exception {
    int port = TestDatabase.freePort();
    int kafkaPort = TestDatabase.freePort();
    Process process = jar.start(workDir, Map.of("TASKFLOW_HTTP_PORT", Integer.toString(port),
      "TASKFLOW_KAFKA_EMBEDDED_PORT", Integer.toString(kafkaPort)));
    awaitReady(port, process);
    fourChanges(port, "console@example.com");
    String consumed = consoleConsumer("127.0.0.1:" + kafkaPort, "task-events", 4, workDir);
    assertThat(typesIn(consumed)).containsExactly(FOUR);
    assertThat(consumed.lines().filter(line -> line.contains("\"specversion\":\"1.0\""))).hasSize(4);
    stop(process, workDir);

    // replay-audit on the same data: the log is complete already, and identical to the topic
    Process replay = jar.start(workDir, Map.of("TASKFLOW_HTTP_PORT", Integer.toString(port),
      "TASKFLOW_KAFKA_EMBEDDED_PORT", Integer.toString(kafkaPort)), "replay-audit");
    assertThat(replay.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(replay.exitValue()).isZero();
    assertThat(Files.readString(workDir.resolve("taskflow.log")))
      .contains("replay-audit: read 4 events, appended 0, already logged 4 (0 different)");
  }

  @Test
  @DisplayName("the same against an external broker given by TASKFLOW_KAFKA_BOOTSTRAP, with no embedded one")
  void fourEventsOnAnExternalBroker(@TempDir Path workDir) throws Exception {
    try (EmbeddedKafkaServer external = EmbeddedKafkaServer.temporary()) {
      int port = TestDatabase.freePort();
      Process process = jar.start(workDir, Map.of("TASKFLOW_HTTP_PORT", Integer.toString(port),
        "TASKFLOW_KAFKA_BOOTSTRAP", external.bootstrapServers()));
      awaitReady(port, process);
      fourChanges(port, "external@example.com");
      assertThat(typesIn(consoleConsumer(external.bootstrapServers(), "task-events", 4, workDir)))
        .containsExactly(FOUR);
      assertThat(workDir.resolve("taskflow-data/kafka")).doesNotExist();
      stop(process, workDir);
    }
  }

  @Test
  @DisplayName("refuses an unknown verticle or argument with usage and exit code 2")
  void badArguments(@TempDir Path workDir) throws Exception {
    Process process = jar.start(workDir, Map.of(), "--verticles", "api,nope");
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(Files.readString(workDir.resolve("taskflow.log"))).contains("Unknown verticle 'nope'").contains("Usage");
  }
}
