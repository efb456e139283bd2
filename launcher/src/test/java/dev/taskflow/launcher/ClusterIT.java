package dev.taskflow.launcher;

import dev.taskflow.core.kafka.EmbeddedKafkaServer;
import dev.taskflow.core.testing.SockJsTab;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static dev.taskflow.launcher.Jar.awaitLog;
import static dev.taskflow.launcher.Jar.awaitReady;
import static dev.taskflow.launcher.Jar.field;
import static dev.taskflow.launcher.Jar.get;
import static dev.taskflow.launcher.Jar.post;
import static dev.taskflow.launcher.Jar.stop;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster deployment on one machine: the workers (audit, recurrence, notifier, relay) in one process and the API
 * in two more, each {@code java -jar taskflow.jar --verticles ... --cluster}, on an external PostgreSQL and Kafka.
 * Nothing but the clustered event bus connects the API processes to the others: history and previews are answered
 * across it, and every API process's bridge receives every live update and notification, whichever process consumed
 * or fired it.
 */
@DisplayName("Verticles in separate processes, joined by the clustered event bus")
class ClusterIT {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  final Jar jar = new Jar();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    jar.killLeftovers();
  }

  @Test
  @DisplayName("history and previews cross the cluster, and both API processes' tabs see every change and reminder")
  void separateProcesses(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.temporary()) {
      Map<String, String> env = new HashMap<>(Map.of(
        "TASKFLOW_DB_URL", db.url(),
        "TASKFLOW_KAFKA_BOOTSTRAP", kafka.bootstrapServers(),
        // shared by the API processes: the first creates the token key pair there, the second reads it
        "TASKFLOW_DATA_DIR", dir.resolve("data").toString(),
        "TASKFLOW_CLUSTER_NAME", "it-" + UUID.randomUUID(),
        "TASKFLOW_CLUSTER_PORT", Integer.toString(TestDatabase.freePort())));
      Path workersDir = Files.createDirectories(dir.resolve("workers"));
      Process workers = jar.start(workersDir, env, "--cluster", "--verticles", "audit,recurrence,notifier,relay");
      awaitLog(workersDir, "Taskflow started", workers);

      int port1 = TestDatabase.freePort();
      int port2 = TestDatabase.freePort();
      Path api1Dir = Files.createDirectories(dir.resolve("api1"));
      Path api2Dir = Files.createDirectories(dir.resolve("api2"));
      env.put("TASKFLOW_CLUSTER_ENABLED", "true"); // the variable, as a pod would set it, instead of --cluster
      env.put("TASKFLOW_API_INSTANCES", "1");
      env.put("TASKFLOW_HTTP_PORT", Integer.toString(port1));
      Process api1 = jar.start(api1Dir, env, "--verticles", "api");
      awaitReady(port1, api1);
      env.put("TASKFLOW_HTTP_PORT", Integer.toString(port2));
      env.put("TASKFLOW_CLUSTER_EVENTBUS_PORT", Integer.toString(TestDatabase.freePort())); // as behind a firewall
      Process api2 = jar.start(api2Dir, env, "--verticles", "api");
      awaitReady(port2, api2);
      assertThat(get(port2, "/health/ready", null).body()).contains("\"id\":\"cluster\"");

      HttpResponse<String> registered = post(port1, "/api/v1/auth/register", null,
        "{\"email\":\"cluster@example.com\",\"password\":\"integration test pw\"}");
      assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
      String token = field(registered.body(), "token");
      String userId = new JsonObject(registered.body()).getJsonObject("user").getString("id");

      String tasks = "tasks.user." + userId;
      try (SockJsTab tab1 = SockJsTab.open("127.0.0.1", port1, token, userId);
           SockJsTab tab2 = SockJsTab.open("127.0.0.1", port2, token, userId)) {
        // a register is not answered: the tabs are registered, across the cluster too, once a change reaches both
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (tab1.on(tasks, null).isEmpty() || tab2.on(tasks, null).isEmpty()) {
          assertThat(System.nanoTime()).as("a change reaching both tabs within 60 s").isLessThan(deadline);
          assertThat(post(port1, "/api/v1/tasks", token, "{\"title\":\"Probe\"}").statusCode()).isEqualTo(201);
          Thread.sleep(1_000);
        }

        // changes through the first API process, read back through the second
        String id = field(post(port1, "/api/v1/tasks", token, "{\"title\":\"Across processes\"}").body(), "id");
        assertThat(post(port1, "/api/v1/tasks/" + id + "/complete", token, "").statusCode()).isEqualTo(200);
        List<String> history = eventually(() -> typesIn(get(port2, "/api/v1/tasks/" + id + "/events", token)),
          types -> types.size() == 2, "the history from the audit verticle in the workers' process");
        assertThat(history).containsExactly("taskflow.task.created", "taskflow.task.completed");

        HttpResponse<String> preview = post(port2, "/api/v1/recurrence/preview", token,
          "{\"rrule\":\"FREQ=DAILY\",\"dtstart\":\"2026-03-07T09:00:00\",\"timezone\":\"America/New_York\","
            + "\"count\":3}");
        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        assertThat(new JsonObject(preview.body()).getJsonArray("occurrences")).containsExactly(
          "2026-03-07T09:00:00", "2026-03-08T09:00:00", "2026-03-09T09:00:00");

        // one user's events are one partition, consumed by one API process's fan-out: the other tab has them from
        // the cluster
        for (SockJsTab tab : List.of(tab1, tab2)) {
          tab.await(tasks, id, 2);
          assertThat(tab.types(tasks, id)).containsExactly("taskflow.task.created", "taskflow.task.completed");
        }

        // a reminder fired by the notifier in the workers' process reaches both
        String at = Instant.now().plusSeconds(2).toString();
        assertThat(post(port2, "/api/v1/tasks", token, "{\"title\":\"Ring\",\"reminders\":[{\"at\":\"" + at + "\"}]}")
          .statusCode()).isEqualTo(201);
        tab1.await("notifications.user." + userId, null, 1);
        tab2.await("notifications.user." + userId, null, 1);
      }

      stop(api2, api2Dir);
      stop(api1, api1Dir);
      stop(workers, workersDir);
      assertThat(Files.readString(workersDir.resolve("taskflow.log"))).contains("Joined the cluster");
    }
  }

  /** The types of a task's history; none while the audit log has nothing of the task yet (a 404). */
  private static List<String> typesIn(HttpResponse<String> events) {
    if (events.statusCode() == 404) {
      return List.of();
    }
    assertThat(events.statusCode()).as(events.body()).isEqualTo(200);
    return new JsonObject(events.body()).getJsonArray("items").stream()
      .map(item -> ((JsonObject) item).getString("type")).toList();
  }

  private interface Check<T> {
    T get() throws Exception;
  }

  private static <T> T eventually(Check<T> check, Predicate<T> done, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    T value = check.get();
    while (!done.test(value)) {
      assertThat(System.nanoTime()).as(what + " within 60 s; last: " + value).isLessThan(deadline);
      Thread.sleep(100);
      value = check.get();
    }
    return value;
  }

  /**
   * A browser tab's live connection, as the web UI's event-bus client makes it: SockJS over a websocket, a
   * {@code register} frame with the token in its headers for each of the user's addresses.
   */
}
