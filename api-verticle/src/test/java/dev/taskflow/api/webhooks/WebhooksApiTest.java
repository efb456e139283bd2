package dev.taskflow.api.webhooks;

import dev.taskflow.api.TestApi;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.taskflow.api.TestApi.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The webhook endpoints")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksApiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  TestApi api;
  Session ada;
  Session bob;

  @BeforeAll
  void start() {
    api = new TestApi(db);
    ada = api.register();
    bob = api.register();
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private HttpResponse<Buffer> create(Session session, JsonObject body) {
    return api.post("/api/v1/webhooks", session, body);
  }

  @Test
  @DisplayName("create answers 201 with Location and the secret, shown this once; reminders are the default events")
  void createAndRead() {
    HttpResponse<Buffer> created = create(ada, new JsonObject().put("url", "https://example.com/hooks/taskflow"));

    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject webhook = created.bodyAsJsonObject();
    String id = webhook.getString("id");
    assertThat(created.getHeader("Location")).isEqualTo("/api/v1/webhooks/" + id);
    assertThat(webhook.getString("secret")).startsWith("whsec_").hasSizeGreaterThan(40);
    assertThat(webhook.getJsonArray("events")).containsExactly("taskflow.reminder.triggered");

    JsonObject read = api.get("/api/v1/webhooks/" + id, ada).bodyAsJsonObject();
    assertThat(read.containsKey("secret")).isFalse();
    assertThat(read.getString("url")).isEqualTo("https://example.com/hooks/taskflow");
    JsonArray listed = api.get("/api/v1/webhooks", ada).bodyAsJsonObject().getJsonArray("items");
    assertThat(listed.stream().map(w -> ((JsonObject) w).getString("id"))).contains(id);
    assertThat(listed.stream().noneMatch(w -> ((JsonObject) w).containsKey("secret"))).isTrue();
  }

  @Test
  @DisplayName("only http and https URLs with a host, and known event types, are accepted: 400 otherwise")
  void badInput() {
    for (String url : List.of("ftp://example.com/x", "javascript:alert(1)", "/relative/path", "example.com/hook",
      "http://", "https://user:secret@example.com/x", "http://exa mple.com/", "file:///etc/passwd")) {
      HttpResponse<Buffer> response = create(ada, new JsonObject().put("url", url));
      assertThat(response.statusCode()).as(url + ": " + response.bodyAsString()).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("detail")).as(url).containsIgnoringCase("url");
    }
    assertProblem(create(ada, new JsonObject().put("url", "http://example.com/")
      .put("events", new JsonArray().add("taskflow.task.exploded"))), 400, "events[] must be one of");
    assertProblem(create(ada, new JsonObject().put("url", "http://example.com/").put("events", new JsonArray())), 400,
      "events");
    assertProblem(create(ada, new JsonObject()), 400, "url");
  }

  @Test
  @DisplayName("a URL whose host is a loopback, private or link-local address, or localhost, is a 400 naming the "
    + "setting that allows it, and nothing is stored")
  void privateAddresses() {
    Session erin = api.register();
    for (String url : List.of("http://127.0.0.1:5432/", "http://169.254.169.254/latest/meta-data",
      "http://10.0.0.5/admin", "http://192.168.1.1/", "http://172.16.0.1/", "http://100.64.0.1/", "http://0.0.0.0/",
      "http://localhost:8080/hook", "https://hooks.localhost/", "http://LOCALHOST./", "http://[::1]/",
      "http://[::ffff:127.0.0.1]/", "http://[fd00::1]/", "http://[fe80::1]/", "http://[::]/", "http://224.0.0.1/",
      "http://2130706433/", "http://0177.0.0.1/")) {
      HttpResponse<Buffer> response = create(erin, new JsonObject().put("url", url));
      assertProblem(response, 400, "url must not point to a private or internal address");
      assertThat(response.bodyAsJsonObject().getString("detail")).as(url)
        .contains("webhooks.allow.private").contains("TASKFLOW_WEBHOOKS_ALLOW_PRIVATE");
    }
    assertProblem(create(erin, new JsonObject().put("url", "http://169.254.169.254/latest/meta-data")), 400,
      "169.254.169.254 is a link-local address");
    assertProblem(create(erin, new JsonObject().put("url", "http://2130706433/")), 400,
      "2130706433 is 127.0.0.1, a loopback address");
    assertProblem(create(erin, new JsonObject().put("url", "http://localhost:8080/hook")), 400,
      "localhost is a loopback name");
    // hex and short forms are no hosts to java.net.URI, which refuses them before the guard sees them
    for (String url : List.of("http://0x7f.1/", "http://127.1/", "http://1.2.3.4.5/", "http://[fe80::1%25eth0]/")) {
      assertThat(create(erin, new JsonObject().put("url", url)).statusCode()).as(url).isEqualTo(400);
    }
    assertThat(api.get("/api/v1/webhooks", erin).bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }

  @Test
  @DisplayName("a public address, or any name, is accepted as it is: names are checked when a delivery resolves them")
  void publicAddresses() {
    Session frank = api.register();
    for (String url : List.of("https://example.com/hook", "http://93.184.215.14:8080/hook",
      "https://[2606:4700:4700::1111]/hook", "https://hooks.internal.example/x", "https://localhost.example.com/")) {
      HttpResponse<Buffer> response = create(frank, new JsonObject().put("url", url));
      assertThat(response.statusCode()).as(url + ": " + response.bodyAsString()).isEqualTo(201);
    }
  }

  @Test
  @DisplayName("with webhooks.allow.private set, internal receivers are accepted")
  void privateAllowed() {
    try (TestApi allowing = new TestApi(db, new JsonObject().put("webhooks.allow.private", true))) {
      Session gina = allowing.register();
      for (String url : List.of("http://127.0.0.1:9/hook", "http://localhost:8080/hook", "http://10.0.0.5/admin",
        "http://[::1]/")) {
        HttpResponse<Buffer> response = allowing.post("/api/v1/webhooks", gina, new JsonObject().put("url", url));
        assertThat(response.statusCode()).as(url + ": " + response.bodyAsString()).isEqualTo(201);
      }
    }
  }

  @Test
  @DisplayName("another user's webhook is a 404 on every verb, and stays as it was")
  void isolation() {
    String id = create(ada, new JsonObject().put("url", "https://example.com/hook")).bodyAsJsonObject()
      .getString("id");

    assertProblem(api.get("/api/v1/webhooks/" + id, bob), 404, "No webhook");
    assertProblem(api.get("/api/v1/webhooks/" + id + "/deliveries", bob), 404, "No webhook");
    assertProblem(api.send(HttpMethod.DELETE, "/api/v1/webhooks/" + id, bob.token(), null), 404, "No webhook");
    assertThat(api.get("/api/v1/webhooks", bob).bodyAsJsonObject().getJsonArray("items").stream()
      .map(w -> ((JsonObject) w).getString("id"))).doesNotContain(id);
    assertThat(api.get("/api/v1/webhooks/" + id, ada).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("deliveries are listed newest first with every attempt, page by page; delete takes them along")
  void deliveries() {
    Session carol = api.register();
    String id = create(carol, new JsonObject().put("url", "https://example.com/hook")).bodyAsJsonObject()
      .getString("id");
    for (int i = 0; i < 3; i++) {
      UUID delivery = UUID.randomUUID();
      api.query("""
        INSERT INTO webhook_deliveries (id, webhook_id, user_id, event_id, event_type, event, state, attempts,
                                        created_at, last_status)
        VALUES ($1, $2, $3, $4, 'taskflow.reminder.triggered', '{}', 'delivered', 2, now() - make_interval(secs => $5),
                200)""", delivery, UUID.fromString(id), carol.userId(), UUID.randomUUID(), (double) (10 - i));
      api.query("""
        INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status, error)
        VALUES ($1, 1, now(), 12, 500, 'HTTP 500 Internal Server Error'), ($1, 2, now(), 8, 200, NULL)""", delivery);
    }

    List<JsonObject> seen = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<Buffer> page = api.get("/api/v1/webhooks/" + id + "/deliveries?limit=2"
        + (cursor == null ? "" : "&cursor=" + cursor), carol);
      assertThat(page.statusCode()).as(page.bodyAsString()).isEqualTo(200);
      page.bodyAsJsonObject().getJsonArray("items").forEach(item -> seen.add((JsonObject) item));
      cursor = page.bodyAsJsonObject().getString("nextCursor");
    } while (cursor != null);

    assertThat(seen).hasSize(3);
    assertThat(seen.stream().map(d -> d.getString("createdAt")).toList()).isSortedAccordingTo(
      java.util.Comparator.reverseOrder());
    JsonArray attempts = seen.get(0).getJsonArray("attemptLog");
    assertThat(attempts).hasSize(2);
    assertThat(attempts.getJsonObject(0).getInteger("status")).isEqualTo(500);
    assertThat(attempts.getJsonObject(0).getString("error")).contains("500");
    assertThat(attempts.getJsonObject(1).getInteger("status")).isEqualTo(200);
    assertProblem(api.get("/api/v1/webhooks/" + id + "/deliveries?limit=500", carol), 400, "limit");

    assertThat(api.send(HttpMethod.DELETE, "/api/v1/webhooks/" + id, carol.token(), null).statusCode()).isEqualTo(204);
    assertThat(api.count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1", UUID.fromString(id)))
      .isZero();
    assertProblem(api.get("/api/v1/webhooks/" + id, carol), 404, "No webhook");
  }

  @Test
  @DisplayName("a user has at most 20 webhooks: the 21st is a 409")
  void limit() {
    Session dave = api.register();
    for (int i = 0; i < 20; i++) {
      assertThat(create(dave, new JsonObject().put("url", "https://example.com/" + i)).statusCode()).isEqualTo(201);
    }
    assertProblem(create(dave, new JsonObject().put("url", "https://example.com/21")), 409, "most allowed");
  }
}
