package dev.taskflow.api;

import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and random input against every endpoint: whatever it is, the answer is a 4xx problem (or a success), never
 * a 5xx. The random part is seeded, so a failure can be replayed.
 */
@DisplayName("No input produces a 5xx")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoServerErrorTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  TestApi api;
  Session session;
  String taskPath;
  String projectPath;

  @BeforeAll
  void start() {
    api = new TestApi(db);
    session = api.register();
    taskPath = "/api/v1/tasks/" + api.createTask(session, "Target").getString("id");
    projectPath = "/api/v1/projects/" + api.post("/api/v1/projects", session, new JsonObject().put("name", "Target"))
      .bodyAsJsonObject().getString("id");
  }

  @AfterAll
  void stop() {
    api.close();
  }

  record Endpoint(HttpMethod method, String path) {
  }

  private List<Endpoint> endpoints() {
    return List.of(
      new Endpoint(HttpMethod.POST, "/api/v1/auth/register"),
      new Endpoint(HttpMethod.POST, "/api/v1/auth/login"),
      new Endpoint(HttpMethod.POST, "/api/v1/tasks"),
      new Endpoint(HttpMethod.PATCH, taskPath),
      new Endpoint(HttpMethod.POST, taskPath + "/complete"),
      new Endpoint(HttpMethod.POST, taskPath + "/reopen"),
      new Endpoint(HttpMethod.GET, "/api/v1/tasks"),
      new Endpoint(HttpMethod.GET, taskPath),
      new Endpoint(HttpMethod.DELETE, "/api/v1/tasks/" + java.util.UUID.randomUUID()),
      new Endpoint(HttpMethod.GET, "/api/v1/me"),
      // not logout or logout-all, which would end the session the other requests use
      new Endpoint(HttpMethod.POST, "/api/v1/auth/refresh"),
      new Endpoint(HttpMethod.GET, "/api/v1/auth/sessions"),
      new Endpoint(HttpMethod.DELETE, "/api/v1/auth/sessions/" + java.util.UUID.randomUUID()),
      new Endpoint(HttpMethod.PATCH, "/api/v1/me"),
      new Endpoint(HttpMethod.POST, "/api/v1/me/password"),
      new Endpoint(HttpMethod.DELETE, "/api/v1/me"),
      new Endpoint(HttpMethod.PUT, taskPath + "/due"),
      new Endpoint(HttpMethod.POST, taskPath + "/reminders"),
      new Endpoint(HttpMethod.GET, taskPath + "/reminders"),
      new Endpoint(HttpMethod.DELETE, taskPath + "/reminders/" + java.util.UUID.randomUUID()),
      new Endpoint(HttpMethod.GET, "/api/v1/reminders/pending"),
      new Endpoint(HttpMethod.POST, "/api/v1/reminders/" + java.util.UUID.randomUUID() + "/snooze"),
      new Endpoint(HttpMethod.POST, "/api/v1/webhooks"),
      new Endpoint(HttpMethod.GET, "/api/v1/webhooks"),
      new Endpoint(HttpMethod.DELETE, "/api/v1/webhooks/" + java.util.UUID.randomUUID()),
      new Endpoint(HttpMethod.GET, "/api/v1/webhooks/" + java.util.UUID.randomUUID() + "/deliveries"),
      // Web Push
      new Endpoint(HttpMethod.GET, "/api/v1/push/vapid-public-key"),
      new Endpoint(HttpMethod.POST, "/api/v1/push/subscriptions"),
      new Endpoint(HttpMethod.GET, "/api/v1/push/subscriptions"),
      new Endpoint(HttpMethod.DELETE, "/api/v1/push/subscriptions/" + java.util.UUID.randomUUID()),
      // projects (not the DELETE of the target project, which would end the project the other requests use)
      new Endpoint(HttpMethod.GET, "/api/v1/projects"),
      new Endpoint(HttpMethod.POST, "/api/v1/projects"),
      new Endpoint(HttpMethod.GET, projectPath),
      new Endpoint(HttpMethod.PATCH, projectPath),
      new Endpoint(HttpMethod.DELETE, "/api/v1/projects/" + java.util.UUID.randomUUID()),
      new Endpoint(HttpMethod.GET, projectPath + "/members"),
      new Endpoint(HttpMethod.POST, projectPath + "/members"),
      new Endpoint(HttpMethod.PATCH, projectPath + "/members/" + session.userId()),
      new Endpoint(HttpMethod.DELETE, projectPath + "/members/" + java.util.UUID.randomUUID()));
  }

  private static List<String> hostileBodies() {
    List<String> bodies = new ArrayList<>(List.of(
      "", "null", "true", "0", "\"x\"", "[]", "{}", "{", "}", "{\"title\":}", "\u0000", "{\"title\":\"\\ud800\"}",
      "{\"title\":\"\\u0000\"}", "{\"title\":null}", "{\"title\":[\"a\"]}", "{\"title\":{\"a\":1}}",
      "{\"title\":\"x\",\"title\":\"y\"}", "{\"title\":1e999999}", "{\"title\":\"x\",\"dueAt\":\"9999-12-31T23:59:60Z\"}",
      "{\"title\":\"x\",\"dueAt\":\"0000-01-01T00:00:00Z\"}", "{\"title\":\"x\",\"dueAt\":\"+275760-09-13T00:00:00Z\"}",
      "{\"title\":\"x\",\"timezone\":\"../../etc/passwd\"}", "{\"title\":\"x\",\"tags\":[null]}",
      "{\"title\":\"x\",\"tags\":[\"a\",\"a\"]}", "{\"email\":\"a@b.c\",\"password\":\"" + "p".repeat(300) + "\"}",
      "{\"email\":\"" + "e".repeat(300) + "@x.io\",\"password\":\"long enough pw\"}",
      "{\"title\":\"😀 emoji and ünïcödé\"}", "{\"title\":\"x\",\"priority\":null}",
      "{\"email\":\"\",\"password\":\"12345678\"}", "{\"email\":\"@\",\"password\":\"12345678\"}",
      "{\"email\":\"a@\",\"password\":\"12345678\"}", "{\"email\":\"\",\"password\":\"\"}",
      "{\"email\":\"a@b.c\",\"password\":\"12345678\",\"displayName\":\"\"}",
      "{\"email\":\"no-at-sign\",\"password\":\"12345678\"}",
      "{\"dueAt\":null}", "{\"dueAt\":\"2026-13-01T00:00:00Z\"}", "{\"offset\":\"-P99999999W\"}",
      "{\"offset\":\"P\"}", "{\"offset\":\"-PT\"}", "{\"offset\":\"PT-5M\"}", "{\"at\":\"+275760-09-13T00:00:00Z\"}",
      "{\"offset\":\"-PT1M\",\"at\":\"2030-01-01T00:00:00Z\"}", "{\"duration\":\"PT99999H\"}",
      "{\"duration\":\"P0D\"}", "{\"url\":\"http://[::1\"}", "{\"url\":\"http://%zz/\"}",
      "{\"url\":\"https://example.com\",\"events\":[1]}", "{\"url\":\"https://example.com\",\"events\":[null]}",
      "{\"title\":\"x\",\"dueAt\":\"2030-01-01T00:00:00Z\",\"reminders\":[{}]}",
      "{\"title\":\"x\",\"reminders\":[null]}", "{\"title\":\"x\",\"reminders\":[{\"offset\":\"-PT1M\"}]}",
      "{\"refreshToken\":\"\"}", "{\"refreshToken\":\"" + "A".repeat(300) + "\"}", "{\"refreshToken\":null}",
      "{\"displayName\":\"\\u0000\"}", "{\"email\":\"x@y.z\",\"currentPassword\":\"\"}",
      "{\"currentPassword\":\"wrong pw\",\"newPassword\":\"" + "n".repeat(300) + "\"}", "{\"password\":7}",
      "{\"password\":\"wrong password\"}"));
    // Web Push subscriptions
    bodies.addAll(List.of("{\"endpoint\":\"https://[zz/\",\"keys\":{\"p256dh\":\"x\",\"auth\":\"y\"}}",
      "{\"endpoint\":\"https://push.example.com/%zz\",\"keys\":{\"p256dh\":\"=\",\"auth\":\"==\"}}",
      "{\"endpoint\":\"https://push.example.com/1\",\"keys\":\"x\"}", "{\"endpoint\":1,\"keys\":{}}",
      "{\"endpoint\":\"https://push.example.com/1\",\"keys\":{\"p256dh\":\"BA\",\"auth\":\"\\u0000\"}}"));
    // projects and their members
    bodies.addAll(List.of("{\"name\":\"   \"}", "{\"name\":\"\\u0000\"}", "{\"name\":\"" + "n".repeat(101) + "\"}",
      "{\"name\":\"Renamed\",\"inbox\":true}", "{\"email\":\"nobody@example.com\",\"role\":\"boss\"}",
      "{\"email\":\"nobody@example.com\"}", "{\"role\":\"viewer\"}", "{\"role\":null}", "{\"email\":\" \"}"));
    bodies.add("[".repeat(5000) + "]".repeat(5000));
    bodies.add("{\"a\":".repeat(3000) + "1" + "}".repeat(3000));
    return bodies;
  }

  private void assertNo5xx(Endpoint endpoint, Buffer body, Map<String, String> headers) {
    var response = api.send(endpoint.method(), endpoint.path(), session.token(), body, headers);
    assertThat(response.statusCode()).as(endpoint + " with " + abbreviate(body) + ": " + response.bodyAsString())
      .isLessThan(500);
    if (response.statusCode() >= 400) {
      assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    }
  }

  @Test
  @DisplayName("hostile bodies to every endpoint")
  void hostile() {
    for (Endpoint endpoint : endpoints()) {
      for (String body : hostileBodies()) {
        assertNo5xx(endpoint, Buffer.buffer(body), Map.of());
      }
      assertNo5xx(endpoint, Buffer.buffer("{\"title\":\"x\"}"), Map.of("Content-Type", "application/xml"));
    }
  }

  @Test
  @DisplayName("hostile query strings and paths")
  void hostileQueries() {
    for (String query : List.of("limit=abc", "cursor=" + "A".repeat(300))) {
      var response = api.get("/api/v1/reminders/pending?" + query, session);
      assertThat(response.statusCode()).as(query + ": " + response.bodyAsString()).isBetween(200, 499);
    }
    for (String query : List.of("limit=-1", "limit=99999999999999999999", "cursor=%00", "cursor=eyJ9", "q=%ff%fe",
      "dueBefore=yesterday", "tag=%00", "status=", "q=" + "x".repeat(5000), "limit=1&limit=2", "tag=a,b")) {
      var response = api.get("/api/v1/tasks?" + query, session);
      assertThat(response.statusCode()).as(query + ": " + response.bodyAsString()).isBetween(200, 499);
    }
    for (String path : List.of("/api/v1/tasks/%00", "/api/v1/tasks/..%2F..%2Fetc", "/api/v1/tasks/" + "9".repeat(500),
      "/api/v1/tasks/00000000-0000-0000-0000-000000000000/complete")) {
      var response = api.get(path, session);
      assertThat(response.statusCode()).as(path + ": " + response.bodyAsString()).isBetween(400, 499);
    }
  }

  @Test
  @DisplayName("1,000 random mutations of a valid body, seeded")
  void random() {
    Random random = new Random(20261123);
    byte[] task = new JsonObject().put("title", "Valid").put("description", "d").put("priority", "high")
      .put("tags", new io.vertx.core.json.JsonArray().add("t")).put("dueAt", "2026-12-01T10:00:00Z")
      .put("timezone", "Europe/Paris").encode().getBytes(StandardCharsets.UTF_8);
    byte[] account = new JsonObject().put("email", "fuzz@example.com").put("password", "long enough pw")
      .put("displayName", "Fuzz").encode().getBytes(StandardCharsets.UTF_8);
    List<Endpoint> endpoints = endpoints();
    for (int i = 0; i < 1_000; i++) {
      Endpoint endpoint = endpoints.get(i % endpoints.size());
      byte[] body = (endpoint.path().contains("/auth/") ? account : task).clone();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        body[random.nextInt(body.length)] = (byte) random.nextInt(256);
      }
      assertNo5xx(endpoint, Buffer.buffer(body), Map.of());
    }
  }

  private static String abbreviate(Buffer body) {
    String s = body.toString(StandardCharsets.UTF_8);
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
