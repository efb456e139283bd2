package dev.taskflow.backbone;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.audit.AuditVerticle;
import dev.taskflow.core.dapr.DaprSidecarEmulator;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.TestDatabase;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit path with {@code transport: dapr}, against an emulator of the Dapr sidecar's documented pub/sub HTTP
 * contract (no daprd exists on the build machines): the relay publishes through the sidecar's publish endpoint, the
 * sidecar reads the app's {@code /dapr/subscribe} and delivers to its routes, retrying and dead-lettering by the
 * statuses the app answers.
 */
@DisplayName("The event backbone through the Dapr sidecar")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DaprBackboneTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  Vertx vertx;
  DaprSidecarEmulator sidecar;
  WebClient http;
  Pool sql;
  JsonObject config;
  String token;

  @BeforeAll
  void start() {
    vertx = TaskflowVertx.create();
    sidecar = new DaprSidecarEmulator(vertx, "pubsub").retryBudget(-1).backoff(Duration.ofMillis(20),
      Duration.ofMillis(100));
    await(sidecar.start());
    int appPort = TestDatabase.freePort();
    config = db.config()
      .put("transport", "dapr")
      .put("dapr.http.port", sidecar.port())
      .put("dapr.app.host", "127.0.0.1")
      .put("dapr.app.port", appPort);
    await(vertx.deployVerticle(new AuditVerticle(), new DeploymentOptions().setConfig(config)));
    await(vertx.deployVerticle(new RelayVerticle(), new DeploymentOptions().setConfig(config)));
    await(vertx.deployVerticle(new ApiVerticle(), new DeploymentOptions().setConfig(config)));
    await(sidecar.connectApp("127.0.0.1", appPort));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(config.getInteger("http.port")));
    sql = Database.pool(vertx, db.settings());
    token = send(HttpMethod.POST, "/api/v1/auth/register", new JsonObject().put("email", "dapr@example.com")
      .put("password", "dapr password")).bodyAsJsonObject().getString("token");
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("Future failed or timed out", e);
    }
  }

  private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not within 60 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, JsonObject body) {
    var request = http.request(method, path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  private long count(String query, Object... params) {
    return await(sql.preparedQuery(query).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  @Test
  @DisplayName("four changes reach the sidecar as CloudEvents, come back through /dapr/subscribe, and fill the history")
  void fourEventsThroughTheSidecar() throws Exception {
    assertThat(sidecar.appSubscriptions().stream().map(s -> ((JsonObject) s).getString("topic")))
      .contains("task-events", "reminders");
    String id = send(HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "Via Dapr")).bodyAsJsonObject()
      .getString("id");
    send(HttpMethod.PATCH, "/api/v1/tasks/" + id, new JsonObject().put("title", "Via Dapr, renamed"));
    send(HttpMethod.POST, "/api/v1/tasks/" + id + "/complete", null);
    send(HttpMethod.DELETE, "/api/v1/tasks/" + id, null);

    List<String> expected = List.of("taskflow.task.created", "taskflow.task.updated", "taskflow.task.completed",
      "taskflow.task.deleted");
    eventually(() -> count("SELECT count(*) FROM event_log WHERE subject = $1", id) == 4, "four events logged");
    JsonArray history = send(HttpMethod.GET, "/api/v1/tasks/" + id + "/events", null).bodyAsJsonObject()
      .getJsonArray("items");
    List<String> types = new ArrayList<>();
    history.forEach(e -> types.add(((JsonObject) e).getString("type")));
    assertThat(types).containsExactlyElementsOf(expected);

    List<DaprSidecarEmulator.Message> published = sidecar.messages("task-events").stream()
      .filter(m -> id.equals(m.event().getString("subject"))).toList();
    assertThat(published).extracting(m -> m.event().getString("type")).containsExactlyElementsOf(expected);
    assertThat(published).allMatch(m -> m.contentType().startsWith("application/cloudevents+json"));
    assertThat(published).allMatch(m -> m.partitionKey().equals(history.getJsonObject(0).getString("userid")));
    assertThat(send(HttpMethod.GET, "/health/ready", null).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("every event delivered again by the sidecar leaves event_log unchanged")
  void redelivered() throws Exception {
    String id = send(HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "Once")).bodyAsJsonObject()
      .getString("id");
    eventually(() -> count("SELECT count(*) FROM event_log WHERE subject = $1", id) == 1, "logged");
    long rows = count("SELECT count(*) FROM event_log");
    String lastId = sidecar.messages("task-events").get(sidecar.messages("task-events").size() - 1).id();
    int attemptsBefore = sidecar.attempts("task-events", lastId);
    sidecar.redeliverAll();
    sidecar.redeliverAll();
    eventually(() -> sidecar.attempts("task-events", lastId) >= attemptsBefore + 2, "the redeliveries done");
    assertThat(count("SELECT count(*) FROM event_log")).isEqualTo(rows);
  }

  @Test
  @DisplayName("a poison event is retried by the app, then answered DROP and dead-lettered by the sidecar (whose own "
    + "retries are endless, as in resiliency.yaml), and later events still arrive")
  void poisonToDeadLetter() throws Exception {
    String before = send(HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "Before the poison"))
      .bodyAsJsonObject().getString("id");
    eventually(() -> count("SELECT count(*) FROM event_log WHERE subject = $1", before) == 1, "logged");
    // a well-formed CloudEvent that reuses a logged event's user and sequence: event_log refuses it every time
    JsonObject logged = sidecar.events("task-events").stream().filter(e -> before.equals(e.getString("subject")))
      .findFirst().orElseThrow();
    JsonObject poison = logged.copy().put("id", java.util.UUID.randomUUID().toString());
    var client = WebClient.create(vertx);
    assertThat(await(client.post(sidecar.port(), "127.0.0.1", "/v1.0/publish/pubsub/task-events")
      .putHeader("Content-Type", "application/cloudevents+json").sendBuffer(poison.toBuffer())).statusCode())
      .isEqualTo(204);
    String after = send(HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "After the poison"))
      .bodyAsJsonObject().getString("id");
    eventually(() -> sidecar.events("task-events.dlq").stream()
      .anyMatch(e -> poison.getString("id").equals(e.getString("id"))), "the poison dead-lettered");
    eventually(() -> count("SELECT count(*) FROM event_log WHERE subject = $1", after) == 1, "the next event logged");
    assertThat(sidecar.attempts("task-events", poison.getString("id"))).as("one delivery, then DROP").isEqualTo(1);
    assertThat(count("SELECT count(*) FROM event_log WHERE event_id = $1::uuid", poison.getString("id"))).isZero();
  }
}
