package dev.taskflow.api.accounts;

import dev.taskflow.api.TestApi;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.taskflow.api.TestApi.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Account: profile, password, deletion")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProfileApiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  static final String PASSWORD = "correct horse battery staple";

  TestApi api;

  @BeforeAll
  void start() {
    api = new TestApi(db);
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private String tokenOf(String email) {
    HttpResponse<Buffer> response = api.login(email, PASSWORD);
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonObject().getString("token");
  }

  private HttpResponse<Buffer> patchMe(String token, JsonObject body) {
    return api.send(HttpMethod.PATCH, "/api/v1/me", token, body);
  }

  @Test
  @DisplayName("the display name changes without a password")
  void displayName() {
    Session ada = api.register();
    HttpResponse<Buffer> response = patchMe(ada.token(), new JsonObject().put("displayName", "  Ada L.  "));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("displayName")).isEqualTo("Ada L.");
    assertThat(api.get("/api/v1/me", ada).bodyAsJsonObject().getString("displayName")).isEqualTo("Ada L.");
  }

  @ParameterizedTest(name = "PATCH /me with {0} is a 400")
  @ValueSource(strings = {
    "{}",
    "{\"displayName\": \"   \"}",
    "{\"displayName\": \"\"}",
    "{\"email\": \"not-an-email\", \"currentPassword\": \"x\"}",
    "{\"admin\": true}",
    "{\"displayName\": 5}",
    "{\"email\": \"new@example.com\"}",
  })
  void badPatch(String body) {
    Session ada = api.register();
    HttpResponse<Buffer> response = api.send(HttpMethod.PATCH, "/api/v1/me", ada.token(), Buffer.buffer(body));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
    assertThat(api.get("/api/v1/me", ada).bodyAsJsonObject().getString("email")).isEqualTo(ada.email());
  }

  @Test
  @DisplayName("an e-mail change needs the right current password (403 otherwise) and a free e-mail (409 otherwise)")
  void email() {
    Session ada = api.register();
    Session bob = api.register();
    String fresh = "ada-" + ada.userId() + "@example.org";

    assertProblem(patchMe(ada.token(), new JsonObject().put("email", fresh).put("currentPassword", "wrong password")),
      403, "current password");
    assertProblem(patchMe(ada.token(), new JsonObject().put("email", bob.email().toUpperCase())
      .put("currentPassword", PASSWORD)), 409, "exists already");
    assertThat(patchMe(null, new JsonObject().put("displayName", "x")).statusCode()).isEqualTo(401);

    HttpResponse<Buffer> ok = patchMe(ada.token(), new JsonObject().put("email", fresh).put("currentPassword", PASSWORD));
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getString("email")).isEqualTo(fresh);
    assertThat(api.login(fresh, PASSWORD).statusCode()).isEqualTo(200);
    assertThat(api.login(ada.email(), PASSWORD).statusCode()).isEqualTo(401);
    assertThat(api.get("/api/v1/me", bob).bodyAsJsonObject().getString("email")).isEqualTo(bob.email());
  }

  @Test
  @DisplayName("a password change ends every other session, keeps this one, and the new password logs in")
  void password() {
    Session ada = api.register();
    String other = tokenOf(ada.email());
    String here = tokenOf(ada.email());
    Session bob = api.register();

    assertProblem(api.send(HttpMethod.POST, "/api/v1/me/password", here,
      new JsonObject().put("currentPassword", "wrong password").put("newPassword", "a new long password")), 403,
      "current password");
    assertThat(api.meStatus(other)).as("nothing ended by a refused change").isEqualTo(200);
    assertThat(api.send(HttpMethod.POST, "/api/v1/me/password", here,
      new JsonObject().put("currentPassword", PASSWORD).put("newPassword", "short")).statusCode()).isEqualTo(400);
    assertThat(api.send(HttpMethod.POST, "/api/v1/me/password", here,
      new JsonObject().put("newPassword", "a new long password")).statusCode()).isEqualTo(400);
    assertThat(api.send(HttpMethod.POST, "/api/v1/me/password", null,
      new JsonObject().put("currentPassword", PASSWORD).put("newPassword", "a new long password")).statusCode())
      .isEqualTo(401);

    HttpResponse<Buffer> changed = api.send(HttpMethod.POST, "/api/v1/me/password", here,
      new JsonObject().put("currentPassword", PASSWORD).put("newPassword", "a new long password"));

    assertThat(changed.statusCode()).as(changed.bodyAsString()).isEqualTo(204);
    assertThat(api.meStatus(here)).isEqualTo(200);
    assertThat(api.meStatus(other)).isEqualTo(401);
    assertThat(api.meStatus(ada.token())).isEqualTo(401);
    assertThat(api.meStatus(bob.token())).isEqualTo(200);
    assertThat(api.login(ada.email(), PASSWORD).statusCode()).isEqualTo(401);
    assertThat(api.login(ada.email(), "a new long password").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("wrong current passwords count like failed logins: past the limit the check is refused with 429")
  void guessingIsThrottled() {
    Session ada = api.register();
    for (int i = 0; i < 5; i++) {
      assertThat(patchMe(ada.token(), new JsonObject().put("email", "x" + i + "@example.org")
        .put("currentPassword", "guess " + i)).statusCode()).isEqualTo(403);
    }
    assertThat(patchMe(ada.token(), new JsonObject().put("email", "y@example.org").put("currentPassword", PASSWORD))
      .statusCode()).isEqualTo(429);
  }

  @Test
  @DisplayName("deleting the account needs its password, then removes it and all its data, with taskflow.account.deleted")
  void delete() {
    Session ada = api.register();
    Session bob = api.register();
    String other = tokenOf(ada.email());
    JsonObject task = api.createTask(ada, new JsonObject().put("title", "Pay rent").put("dueAt", "2030-01-01T09:00:00Z")
      .put("reminders", new io.vertx.core.json.JsonArray().add(new JsonObject().put("offset", "-PT1H"))));
    assertThat(api.post("/api/v1/webhooks", ada, new JsonObject().put("url", "https://example.com/hook"))
      .statusCode()).isEqualTo(201);
    assertThat(api.send(HttpMethod.PUT, "/api/v1/tasks/" + task.getString("id") + "/recurrence", ada.token(),
      new JsonObject().put("rrule", "FREQ=MONTHLY")).statusCode()).isIn(200, 503); // 503: no recurrence verticle here
    api.createTask(bob, "Bob's");

    assertProblem(api.send(HttpMethod.DELETE, "/api/v1/me", ada.token(), new JsonObject().put("password", "wrong one")),
      403, "current password");
    assertThat(api.send(HttpMethod.DELETE, "/api/v1/me", ada.token(), new JsonObject()).statusCode()).isEqualTo(400);
    assertThat(api.send(HttpMethod.DELETE, "/api/v1/me", null, new JsonObject().put("password", PASSWORD)).statusCode())
      .isEqualTo(401);
    assertThat(api.meStatus(ada.token())).isEqualTo(200);

    HttpResponse<Buffer> deleted = api.send(HttpMethod.DELETE, "/api/v1/me", ada.token(),
      new JsonObject().put("password", PASSWORD));

    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(204);
    assertThat(deleted.getHeader("Set-Cookie")).as("the refresh cookie expires, though it was not sent to /me")
      .startsWith("taskflow_refresh=").contains("Path=/api/v1/auth").contains("Max-Age=0");
    for (String table : List.of("users WHERE id", "tasks WHERE user_id", "series WHERE user_id",
      "reminders WHERE user_id", "webhooks WHERE user_id", "webhook_deliveries WHERE user_id",
      "sessions WHERE user_id")) {
      assertThat(api.count("SELECT count(*) FROM " + table + " = $1", ada.userId())).as(table).isZero();
    }
    assertThat(api.query("SELECT event->>'type' AS type, event->>'subject' AS subject FROM outbox WHERE user_id = $1",
      ada.userId())).singleElement().satisfies(row -> {
        assertThat(row.getString("type")).isEqualTo("taskflow.account.deleted");
        assertThat(row.getString("subject")).isEqualTo(ada.userId().toString());
      });
    assertThat(api.meStatus(ada.token())).isEqualTo(401);
    assertThat(api.meStatus(other)).isEqualTo(401);
    assertThat(api.login(ada.email(), PASSWORD).statusCode()).isEqualTo(401);
    assertThat(api.count("SELECT count(*) FROM tasks WHERE user_id = $1", bob.userId())).isEqualTo(1);
    assertThat(api.meStatus(bob.token())).isEqualTo(200);
    // the e-mail is free again
    api.register(ada.email());
  }
}
