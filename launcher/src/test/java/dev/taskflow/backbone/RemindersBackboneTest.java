package dev.taskflow.backbone;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.audit.AuditVerticle;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.kafka.TestKafka;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.notifier.NotifierVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import static dev.taskflow.core.kafka.TestKafka.await;
import static dev.taskflow.core.kafka.TestKafka.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reminders end to end on a real broker, in one JVM as the launcher runs them: the API writes tasks and reminders, the
 * notifier fires them on time into the outbox, the relay publishes them to Kafka, the audit verticle logs them, and
 * the notifier's consumer hands them to {@code notifications.user.<userId>}, where a browser's bridge would listen.
 */
@DisplayName("Reminders on the event backbone")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemindersBackboneTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  @RegisterExtension
  static TestKafka kafka = new TestKafka();

  Vertx vertx;
  WebClient http;
  Pool sql;
  String token;
  UUID userId;

  /** A notification as the user's address received it, and when. */
  record Received(JsonObject event, Instant at) {
  }

  @BeforeAll
  void start() {
    JsonObject config = db.config()
      .put("transport", "kafka")
      .put("kafka.bootstrap", kafka.config().getString("kafka.bootstrap"))
      .put("kafka.topic.prefix", kafka.config().getString("kafka.topic.prefix"))
      .put("api.instances", 1);
    vertx = TaskflowVertx.create();
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    await(vertx.deployVerticle(new AuditVerticle(), options));
    await(vertx.deployVerticle(new NotifierVerticle(), options));
    await(vertx.deployVerticle(new RelayVerticle(), options));
    await(vertx.deployVerticle(new ApiVerticle(), options));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(config.getInteger("http.port")));
    sql = Database.pool(vertx, db.settings());
    JsonObject registered = send(HttpMethod.POST, "/api/v1/auth/register",
      new JsonObject().put("email", "reminded@example.com").put("password", "reminder password")).bodyAsJsonObject();
    token = registered.getString("token");
    userId = UUID.fromString(registered.getJsonObject("user").getString("id"));
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, JsonObject body) {
    var request = http.request(method, path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    HttpResponse<Buffer> response = await(body == null ? request.send() : request.sendJsonObject(body));
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.bodyAsString()).isLessThan(300);
    return response;
  }

  private String createTask(String title, JsonObject... reminders) {
    return send(HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", title)
      .put("reminders", new JsonArray(List.of((Object[]) reminders)))).bodyAsJsonObject().getString("id");
  }

  private long count(String query, Object... params) {
    return await(sql.preparedQuery(query).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  private List<JsonObject> history(String path) {
    return send(HttpMethod.GET, path, null).bodyAsJsonObject().getJsonArray("items").stream()
      .map(JsonObject.class::cast).toList();
  }

  @Test
  @DisplayName("reminders set 3 s ahead fire once within 1 s, reach the user's address and history; a moved one fires "
    + "at its new time; those of a completed or deleted task never fire")
  void endToEnd() {
    Queue<Received> received = new ConcurrentLinkedQueue<>();
    await(vertx.eventBus().<JsonObject>consumer(Addresses.notificationsOf(userId),
      message -> received.add(new Received(message.body(), Instant.now()))).completion());
    Instant soon = Instant.now().plusSeconds(3);

    String absolute = createTask("Absolute", new JsonObject().put("at", soon.toString()));
    String moved = send(HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "Moved")
      .put("dueAt", Instant.now().plus(Duration.ofDays(2)).toString())
      .put("reminders", new JsonArray().add(new JsonObject().put("offset", "-PT30M")))).bodyAsJsonObject()
      .getString("id");
    send(HttpMethod.PUT, "/api/v1/tasks/" + moved + "/due", new JsonObject()
      .put("dueAt", soon.plus(Duration.ofMinutes(30)).toString()));
    String completed = createTask("Completed", new JsonObject().put("at", soon.toString()));
    send(HttpMethod.POST, "/api/v1/tasks/" + completed + "/complete", null);
    String deleted = createTask("Deleted", new JsonObject().put("at", soon.toString()));
    send(HttpMethod.DELETE, "/api/v1/tasks/" + deleted, null);

    waitUntil("both live reminders at the user's address", () -> received.size() >= 2);

    Map<String, Received> bySubject = received.stream()
      .collect(Collectors.toMap(r -> r.event().getString("subject"), r -> r));
    assertThat(bySubject).containsOnlyKeys(absolute, moved);
    for (Received notification : bySubject.values()) {
      JsonObject data = notification.event().getJsonObject("data");
      Instant fireAt = Instant.parse(data.getString("fireAt"));
      assertThat(fireAt).isEqualTo(soon.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
      assertThat(Duration.between(fireAt, Instant.parse(data.getString("firedAt"))))
        .as("fired_at - fire_at").isBetween(Duration.ZERO, Duration.ofSeconds(1));
      assertThat(Duration.between(fireAt, notification.at()))
        .as("received - fire_at, through Kafka").isBetween(Duration.ZERO, Duration.ofSeconds(1));
      assertThat(data.getBoolean("late")).isFalse();
    }

    waitUntil("the firings in the history", () -> history("/api/v1/events?type=taskflow.reminder.triggered")
      .size() == 2);
    assertThat(history("/api/v1/tasks/" + absolute + "/events")).extracting(e -> e.getString("type"))
      .containsExactly("taskflow.task.created", "taskflow.reminder.triggered");
    assertThat(count("SELECT count(*) FROM reminders WHERE task_id = ANY($1) AND state = 'cancelled'",
      (Object) new UUID[]{UUID.fromString(completed), UUID.fromString(deleted)})).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM event_log WHERE type = 'taskflow.reminder.triggered' AND user_id = $1",
      userId)).isEqualTo(2);
    assertThat(received).hasSize(2);
  }
}
