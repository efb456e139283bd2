package dev.taskflow.backbone;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.audit.AuditVerticle;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.notifier.NotifierVerticle;
import dev.taskflow.recurrence.RecurrenceVerticle;
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
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An account's deletion through every service, as the launcher runs them in one process: the API deletes the rows
 * and writes {@code taskflow.account.deleted} to the outbox, the relay publishes it, the audit service erases the
 * user's history on it, and the recurrence and notifier services go on serving the other users.
 */
@DisplayName("An account's deletion on the event backbone")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountDeletionBackboneTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  static final String PASSWORD = "correct horse battery staple";

  Vertx vertx;
  WebClient http;
  Pool sql;

  @BeforeAll
  void start() {
    JsonObject config = db.config().put("auth.address.per.minute", 1000);
    vertx = TaskflowVertx.create();
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    for (var verticle : List.of(new AuditVerticle(), new RecurrenceVerticle(), new NotifierVerticle(),
      new RelayVerticle(), new ApiVerticle())) {
      await(vertx.deployVerticle(verticle, options));
    }
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(config.getInteger("http.port")));
    sql = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(config.getString("db.url"))).using(vertx).build();
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  HttpResponse<Buffer> send(String token, HttpMethod method, String path, JsonObject body) {
    var request = http.request(method, path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  /** Registers a user; answers {id, token}. */
  JsonObject register() {
    HttpResponse<Buffer> response = send(null, HttpMethod.POST, "/api/v1/auth/register", new JsonObject()
      .put("email", "u-" + UUID.randomUUID() + "@example.com").put("password", PASSWORD));
    assertThat(response.statusCode()).isEqualTo(201);
    JsonObject body = response.bodyAsJsonObject();
    return new JsonObject().put("id", body.getJsonObject("user").getString("id")).put("token", body.getString("token"));
  }

  long logged(String userId, String extra) {
    return await(sql.preparedQuery("SELECT count(*) FROM event_log WHERE user_id = $1::uuid" + extra)
      .execute(Tuple.of(userId))).iterator().next().getLong(0);
  }

  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  @DisplayName("leaves only the deletion event of the user in the audit log, and the other users are served on")
  void deletion() throws Exception {
    JsonObject ada = register();
    JsonObject bob = register();
    String token = ada.getString("token");
    JsonObject task = send(token, HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "Pay rent")
      .put("dueAt", "2030-01-01T09:00:00Z").put("reminders", new JsonArray().add(new JsonObject().put("offset", "-PT1H"))))
      .bodyAsJsonObject();
    assertThat(send(token, HttpMethod.PUT, "/api/v1/tasks/" + task.getString("id") + "/recurrence", new JsonObject()
      .put("rrule", "FREQ=MONTHLY")).statusCode()).isEqualTo(200);
    assertThat(send(token, HttpMethod.POST, "/api/v1/tasks/" + task.getString("id") + "/complete", null).statusCode())
      .isEqualTo(200);
    eventually("Ada's history in the audit log", () -> logged(ada.getString("id"), "") >= 3);

    assertThat(send(token, HttpMethod.DELETE, "/api/v1/me", new JsonObject().put("password", PASSWORD)).statusCode())
      .isEqualTo(204);

    eventually("only the deletion left of Ada's history", () -> logged(ada.getString("id"), "") == 1
      && logged(ada.getString("id"), " AND type = 'taskflow.account.deleted'") == 1);
    for (String table : List.of("tasks", "series", "reminders", "webhooks", "sessions", "outbox")) {
      assertThat(await(sql.preparedQuery("SELECT count(*) FROM " + table + " WHERE user_id = $1::uuid")
        .execute(Tuple.of(ada.getString("id")))).iterator().next().getLong(0))
        .as(table).isIn(0L, "outbox".equals(table) ? 1L : 0L);
    }
    // a spawn of Ada's series racing the deletion would have left a task: none
    Thread.sleep(500);
    assertThat(await(sql.preparedQuery("SELECT count(*) FROM tasks WHERE user_id = $1::uuid")
      .execute(Tuple.of(ada.getString("id")))).iterator().next().getLong(0)).isZero();

    assertThat(send(bob.getString("token"), HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "Bob's"))
      .statusCode()).isEqualTo(201);
    eventually("Bob's event in the audit log", () -> logged(bob.getString("id"), "") == 1);
  }
}
