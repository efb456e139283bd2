package dev.taskflow.backbone;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.audit.AuditVerticle;
import dev.taskflow.core.kafka.TestKafka;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.SockJsTab;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.notifier.NotifierVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.taskflow.core.kafka.TestKafka.await;
import static dev.taskflow.core.kafka.TestKafka.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shared project end to end on a real broker, as the launcher runs it in one JVM: what its members get on the
 * bridge, in a task's history and at their webhooks, what someone outside it never gets on any of them, and that a
 * removed member's tab is cut off at once and their webhooks hear nothing more of it.
 */
@DisplayName("Shared projects on the event backbone: bridge, history and webhooks follow membership")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectsBackboneTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  @RegisterExtension
  static TestKafka kafka = new TestKafka();

  private static final String PASSWORD = "projects password";

  Vertx vertx;
  WebClient http;
  int port;
  HttpServer receiver;
  /** Every webhook delivery received: {@code {hook, event}}. */
  final Queue<JsonObject> deliveries = new ConcurrentLinkedQueue<>();

  record User(String id, String email, String token) {
  }

  @BeforeAll
  void start() {
    JsonObject config = db.config()
      .put("transport", "kafka")
      .put("kafka.bootstrap", kafka.config().getString("kafka.bootstrap"))
      .put("kafka.topic.prefix", kafka.config().getString("kafka.topic.prefix"))
      .put("webhooks.allow.private", true)
      .put("webhooks.backoff.initial.ms", 200)
      .put("api.instances", 1);
    vertx = TaskflowVertx.create();
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    await(vertx.deployVerticle(new AuditVerticle(), options));
    await(vertx.deployVerticle(new NotifierVerticle(), options));
    await(vertx.deployVerticle(new RelayVerticle(), options));
    await(vertx.deployVerticle(new ApiVerticle(), options));
    port = config.getInteger("http.port");
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    receiver = await(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      deliveries.add(new JsonObject().put("hook", request.path().substring("/hook/".length()))
        .put("event", body.toJsonObject()));
      request.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1"));
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  private HttpResponse<Buffer> send(User user, HttpMethod method, String path, JsonObject body) {
    var request = http.request(method, "/api/v1" + path);
    if (user != null) {
      request.putHeader("Authorization", "Bearer " + user.token());
    }
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  private JsonObject ok(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isBetween(200, 299);
    return response.statusCode() == 204 ? null : response.bodyAsJsonObject();
  }

  private User register(String name) {
    String email = name + "@projects.example.com";
    JsonObject body = ok(send(null, HttpMethod.POST, "/auth/register",
      new JsonObject().put("email", email).put("password", PASSWORD)));
    User user = new User(body.getJsonObject("user").getString("id"), email, body.getString("token"));
    ok(send(user, HttpMethod.POST, "/webhooks", new JsonObject()
      .put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hook/" + name)
      .put("events", new JsonArray().add("taskflow.task.created").add("taskflow.project.member.removed"))));
    return user;
  }

  private String task(User user, String title, String projectId) {
    JsonObject body = new JsonObject().put("title", title);
    if (projectId != null) {
      body.put("projectId", projectId);
    }
    return ok(send(user, HttpMethod.POST, "/tasks", body)).getString("id");
  }

  /** The subjects of the deliveries to one user's webhook of one event type. */
  private List<String> delivered(String hook, String type) {
    return deliveries.stream().filter(d -> d.getString("hook").equals(hook))
      .map(d -> d.getJsonObject("event")).filter(e -> e.getString("type").equals(type))
      .map(e -> e.getString("subject")).toList();
  }

  private List<String> history(User user, String taskId) {
    HttpResponse<Buffer> response = send(user, HttpMethod.GET, "/tasks/" + taskId + "/events", null);
    if (response.statusCode() != 200) {
      return List.of("HTTP " + response.statusCode());
    }
    return response.bodyAsJsonObject().getJsonArray("items").stream()
      .map(item -> ((JsonObject) item).getString("type")).toList();
  }

  /** The types of the events of one task in the user's own history ({@code GET /events?aggregateId=}). */
  private List<String> events(User user, String taskId) {
    return ok(send(user, HttpMethod.GET, "/events?aggregateId=" + taskId, null)).getJsonArray("items").stream()
      .map(item -> ((JsonObject) item).getString("type")).toList();
  }

  @Test
  @DisplayName("members get a shared project's tasks live, in history and at their webhooks; an outsider gets none; "
    + "a removed member is cut off at once")
  void membershipDecides() throws Exception {
    User ada = register("ada");
    User bob = register("bob");
    User cy = register("cy");
    User dan = register("dan");
    String trip = ok(send(ada, HttpMethod.POST, "/projects", new JsonObject().put("name", "Trip"))).getString("id");
    ok(send(ada, HttpMethod.POST, "/projects/" + trip + "/members",
      new JsonObject().put("email", bob.email()).put("role", "editor")));
    ok(send(ada, HttpMethod.POST, "/projects/" + trip + "/members",
      new JsonObject().put("email", cy.email()).put("role", "viewer")));
    String address = "tasks.project." + trip;

    try (SockJsTab bobs = SockJsTab.open("127.0.0.1", port, bob.token(), bob.id());
         SockJsTab dans = SockJsTab.open("127.0.0.1", port, dan.token(), dan.id())) {
      bobs.register(address);
      dans.register(address);
      waitUntil("dan's register on the project refused", () -> !dans.errors().isEmpty());

      String shared = task(ada, "Book the ferry", trip);
      String byBob = task(bob, "Pack the tent", trip);
      String adasOwn = task(ada, "Ada's dentist", null);
      bobs.await(address, shared, 1);
      bobs.await(address, byBob, 1);
      waitUntil("the three tasks at ada's webhook", () -> delivered("ada", "taskflow.task.created").size() == 3);
      waitUntil("the two shared ones at bob's", () -> delivered("bob", "taskflow.task.created").size() == 2);
      assertThat(delivered("bob", "taskflow.task.created")).containsExactlyInAnyOrder(shared, byBob);
      waitUntil("the two shared ones at cy's", () -> delivered("cy", "taskflow.task.created").size() == 2);
      // the history of a shared task is its account's, with every member's changes, for every member
      ok(send(bob, HttpMethod.PATCH, "/tasks/" + shared, new JsonObject().put("title", "Book the night ferry")));
      List<String> sharedHistory = List.of("taskflow.task.created", "taskflow.task.updated");
      waitUntil("the shared task's history for bob", () -> history(bob, shared).equals(sharedHistory));
      assertThat(history(cy, shared)).isEqualTo(sharedHistory);
      assertThat(history(ada, shared)).isEqualTo(sharedHistory);
      // a reminder is its setter's: ada's firing is in her history of the task, not in what bob reads of it
      Instant soon = Instant.now().plusSeconds(2);
      ok(send(ada, HttpMethod.POST, "/tasks/" + shared + "/reminders", new JsonObject().put("at", soon.toString())));
      ok(send(bob, HttpMethod.POST, "/tasks/" + shared + "/reminders",
        new JsonObject().put("at", soon.plusMillis(500).toString())));
      List<String> withReminder = List.of("taskflow.task.created", "taskflow.task.updated",
        "taskflow.reminder.triggered");
      waitUntil("ada's reminder in her history of the task", () -> history(ada, shared).equals(withReminder));
      waitUntil("bob's reminder in his own history", () -> events(bob, shared).equals(
        List.of("taskflow.reminder.triggered")));
      assertThat(history(bob, shared)).isEqualTo(sharedHistory);
      assertThat(history(cy, shared)).isEqualTo(sharedHistory);
      String gone = task(ada, "Cancelled", trip);
      ok(send(ada, HttpMethod.DELETE, "/tasks/" + gone, null));
      waitUntil("the deleted task's history for ada", () -> history(ada, gone).contains("taskflow.task.deleted"));
      assertThat(history(bob, gone)).as("a deleted task's history is its account's alone").containsExactly("HTTP 404");

      // nothing of ada's own task reached bob, and nothing of any reached dan
      assertThat(bobs.on(address, adasOwn)).isEmpty();
      assertThat(bobs.on("tasks.user." + bob.id(), adasOwn)).isEmpty();
      assertThat(dans.on(address, null)).isEmpty();
      assertThat(delivered("dan", "taskflow.task.created")).isEmpty();
      assertThat(history(dan, shared)).containsExactly("HTTP 404");
      assertThat(history(bob, adasOwn)).containsExactly("HTTP 404");

      // removed: bob's tab is told and closed at once; his webhook hears of the removal and nothing after it
      ok(send(ada, HttpMethod.DELETE, "/projects/" + trip + "/members/" + bob.id(), null));
      waitUntil("bob's tab cut off", () -> bobs.errors().stream()
        .anyMatch(frame -> "project_access_revoked".equals(frame.getString("body"))) && bobs.closed());
      waitUntil("bob's webhook told of his removal",
        () -> delivered("bob", "taskflow.project.member.removed").contains(trip));
      String after = task(ada, "Buy a map", trip);
      waitUntil("the task after the removal at ada's webhook",
        () -> delivered("ada", "taskflow.task.created").contains(after));
      assertThat(history(bob, shared)).containsExactly("HTTP 404");
      assertThat(delivered("bob", "taskflow.task.created")).doesNotContain(after);
      assertThat(delivered("dan", "taskflow.project.member.removed")).isEmpty();
    }
  }
}
