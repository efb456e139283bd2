package dev.taskflow.api.push;

import dev.taskflow.api.TestApi;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.push.P256;
import dev.taskflow.core.push.VapidKeys;
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

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.UUID;

import static dev.taskflow.api.TestApi.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The push endpoints")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushApiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  static final SecureRandom RANDOM = new SecureRandom();

  TestApi api;

  @BeforeAll
  void start() {
    api = new TestApi(db, new JsonObject()
      .put("push.subscriptions.per.user", 3)
      .put("push.insecure.hosts", "127.0.0.1:9"));
  }

  @AfterAll
  void stop() {
    api.close();
  }

  static String endpoint() {
    return "https://push.example.com/wpush/" + UUID.randomUUID();
  }

  static JsonObject subscription(String endpoint) {
    byte[] auth = new byte[16];
    RANDOM.nextBytes(auth);
    return subscription(endpoint, P256.base64Url(P256.uncompressed(VapidKeys.generate().publicKey())),
      P256.base64Url(auth));
  }

  static JsonObject subscription(String endpoint, String p256dh, String auth) {
    return new JsonObject().put("endpoint", endpoint).put("expirationTime", (Object) null)
      .put("keys", new JsonObject().put("p256dh", p256dh).put("auth", auth));
  }

  private HttpResponse<Buffer> subscribe(Session session, JsonObject body) {
    return api.post("/api/v1/push/subscriptions", session, body);
  }

  private List<String> endpoints(Session session) {
    JsonArray items = api.get("/api/v1/push/subscriptions", session).bodyAsJsonObject().getJsonArray("items");
    return items.stream().map(item -> ((JsonObject) item).getString("endpoint")).toList();
  }

  @Test
  @DisplayName("the VAPID public key is an uncompressed P-256 point, the one kept in the data directory")
  void vapidPublicKey() {
    Session ada = api.register();
    HttpResponse<Buffer> response = api.get("/api/v1/push/vapid-public-key", ada);

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    String key = response.bodyAsJsonObject().getString("publicKey");
    byte[] point = P256.fromBase64Url(key);
    assertThat(point).hasSize(65);
    assertThat(point[0]).isEqualTo((byte) 4);
    assertThat(key).isEqualTo(VapidKeys.loadOrCreate(Path.of(api.config.getString("data.dir"))).publicKeyBase64Url());
    assertThat(api.get("/api/v1/push/vapid-public-key", ada).bodyAsJsonObject().getString("publicKey")).isEqualTo(key);
  }

  @Test
  @DisplayName("a subscription is stored (201, Location), the same endpoint again updates it (200, same id), and it "
    + "is listed for its user only")
  void subscribeAndUpdate() {
    Session ada = api.register();
    Session bob = api.register();
    String endpoint = endpoint();

    HttpResponse<Buffer> created = subscribe(ada, subscription(endpoint));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    assertThat(created.getHeader("Location")).isEqualTo("/api/v1/push/subscriptions/" + id);
    JsonObject again = subscription(endpoint);
    HttpResponse<Buffer> updated = subscribe(ada, again);
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    assertThat(updated.bodyAsJsonObject().getString("id")).isEqualTo(id);
    assertThat(api.query("SELECT p256dh FROM push_subscriptions WHERE id = $1", UUID.fromString(id)).iterator().next()
      .getString(0)).isEqualTo(again.getJsonObject("keys").getString("p256dh"));

    assertThat(endpoints(ada)).containsExactly(endpoint);
    assertThat(endpoints(bob)).isEmpty();
  }

  @Test
  @DisplayName("the list shows each device's latest push: its state, attempts, status and error")
  void lastDelivery() {
    Session ada = api.register();
    String id = subscribe(ada, subscription(endpoint())).bodyAsJsonObject().getString("id");
    JsonObject before = api.get("/api/v1/push/subscriptions", ada).bodyAsJsonObject().getJsonArray("items")
      .getJsonObject(0);
    assertThat(before.getValue("lastDelivery")).isNull();
    for (String state : List.of("delivered", "failed")) {
      api.query("INSERT INTO push_deliveries (id, subscription_id, user_id, event_id, reminder_id, fired_at, payload, "
          + "state, attempts, last_status, last_error, created_at, finished_at) VALUES ($1, $2, $3, $4, $5, now(), "
          + "'{}'::jsonb, $6, 1, 403, 'HTTP 403 Forbidden', now() + make_interval(secs => $7), now())",
        UUID.randomUUID(), UUID.fromString(id), ada.userId(), UUID.randomUUID(), UUID.randomUUID(), state,
        state.equals("failed") ? 1.0 : 0.0);
    }

    JsonObject last = api.get("/api/v1/push/subscriptions", ada).bodyAsJsonObject().getJsonArray("items")
      .getJsonObject(0).getJsonObject("lastDelivery");
    assertThat(last.getString("state")).isEqualTo("failed");
    assertThat(last.getInteger("lastStatus")).isEqualTo(403);
    assertThat(last.getString("lastError")).isEqualTo("HTTP 403 Forbidden");
  }

  @Test
  @DisplayName("a browser subscribing as another user takes the endpoint over: the first user's reminders stop "
    + "reaching it")
  void takeOver() {
    Session ada = api.register();
    Session bob = api.register();
    String endpoint = endpoint();
    assertThat(subscribe(ada, subscription(endpoint)).statusCode()).isEqualTo(201);

    assertThat(subscribe(bob, subscription(endpoint)).statusCode()).isEqualTo(201);

    assertThat(endpoints(ada)).isEmpty();
    assertThat(endpoints(bob)).containsExactly(endpoint);
  }

  @Test
  @DisplayName("an endpoint that is not https, or points to an internal address, and keys a browser would not make "
    + "are 400s with the reason, and nothing is stored")
  void badSubscriptions() {
    Session ada = api.register();
    for (String endpoint : List.of("http://push.example.com/x", "https://127.0.0.1/x", "https://10.0.0.5/x",
      "https://[::1]/x", "https://localhost/x", "ftp://push.example.com/x", "/relative", "https://u:p@push.example.com/x",
      "http://127.0.0.1:10/x")) {
      HttpResponse<Buffer> response = subscribe(ada, subscription(endpoint));
      assertThat(response.statusCode()).as(endpoint + ": " + response.bodyAsString()).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("detail")).as(endpoint).contains("endpoint");
    }
    byte[] offCurve = new byte[65];
    offCurve[0] = 4;
    offCurve[64] = 1;
    String auth = P256.base64Url(new byte[16]);
    assertProblem(subscribe(ada, subscription(endpoint(), P256.base64Url(offCurve), auth)), 400,
      "not a point on the P-256 curve");
    assertProblem(subscribe(ada, subscription(endpoint(), P256.base64Url(new byte[33]), auth)), 400, "keys.p256dh");
    assertProblem(subscribe(ada, subscription(endpoint(), "not base64!", auth)), 400, "keys.p256dh");
    String p256dh = P256.base64Url(P256.uncompressed(VapidKeys.generate().publicKey()));
    assertProblem(subscribe(ada, subscription(endpoint(), p256dh, P256.base64Url(new byte[15]))), 400,
      "16-byte secret");
    assertProblem(subscribe(ada, subscription(endpoint(), p256dh, "%%%")), 400, "keys.auth");
    assertThat(subscribe(ada, new JsonObject().put("endpoint", endpoint())).statusCode()).isEqualTo(400);
    assertThat(endpoints(ada)).isEmpty();
  }

  @Test
  @DisplayName("a host in push.insecure.hosts may be plain http on a loopback address (a local push service)")
  void insecureHost() {
    Session ada = api.register();
    assertThat(subscribe(ada, subscription("http://127.0.0.1:9/push/1")).statusCode()).isEqualTo(201);
  }

  @Test
  @DisplayName("a user may have push.subscriptions.per.user devices: one more is a 409, updating one is not")
  void limit() {
    Session ada = api.register();
    String first = endpoint();
    subscribe(ada, subscription(first));
    subscribe(ada, subscription(endpoint()));
    subscribe(ada, subscription(endpoint()));

    assertProblem(subscribe(ada, subscription(endpoint())), 409, "3 devices");
    assertThat(subscribe(ada, subscription(first)).statusCode()).isEqualTo(200);
    assertThat(endpoints(ada)).hasSize(3);
  }

  @Test
  @DisplayName("another user's subscription is a 404 to delete and stays; one's own goes (204), then 404")
  void delete() {
    Session ada = api.register();
    Session bob = api.register();
    String id = subscribe(ada, subscription(endpoint())).bodyAsJsonObject().getString("id");

    assertProblem(api.send(HttpMethod.DELETE, "/api/v1/push/subscriptions/" + id, bob.token(), null), 404,
      "No push subscription");
    assertThat(endpoints(ada)).hasSize(1);
    assertThat(api.send(HttpMethod.DELETE, "/api/v1/push/subscriptions/" + id, ada.token(), null).statusCode())
      .isEqualTo(204);
    assertThat(endpoints(ada)).isEmpty();
    assertThat(api.send(HttpMethod.DELETE, "/api/v1/push/subscriptions/" + id, ada.token(), null).statusCode())
      .isEqualTo(404);
  }

  @Test
  @DisplayName("the service worker is served from the root, as JavaScript, never from a cache (no-cache)")
  void serviceWorker() {
    HttpResponse<Buffer> response = api.send(HttpMethod.GET, "/sw.js", null, null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-cache");
    assertThat(response.getHeader("Content-Type")).startsWith("text/javascript");
    assertThat(response.bodyAsString()).contains("addEventListener('push'", "notificationclick");
  }

  @Test
  @DisplayName("every push endpoint answers 401 without a token")
  void unauthorized() {
    String id = UUID.randomUUID().toString();
    assertThat(api.send(HttpMethod.GET, "/api/v1/push/vapid-public-key", null, null).statusCode()).isEqualTo(401);
    assertThat(api.send(HttpMethod.GET, "/api/v1/push/subscriptions", null, null).statusCode()).isEqualTo(401);
    assertThat(api.send(HttpMethod.POST, "/api/v1/push/subscriptions", null, subscription(endpoint())).statusCode())
      .isEqualTo(401);
    assertThat(api.send(HttpMethod.DELETE, "/api/v1/push/subscriptions/" + id, null, null).statusCode())
      .isEqualTo(401);
  }
}
