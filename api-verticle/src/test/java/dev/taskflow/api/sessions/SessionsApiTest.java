package dev.taskflow.api.sessions;

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

import java.util.Map;
import java.util.UUID;

import static dev.taskflow.api.TestApi.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Sessions: refresh tokens, rotation, reuse, revocation")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionsApiTest {

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

  private JsonObject login(String email) {
    return login(email, new JsonObject());
  }

  private JsonObject login(String email, JsonObject extra) {
    HttpResponse<Buffer> response = api.send(HttpMethod.POST, "/api/v1/auth/login", null,
      new JsonObject().put("email", email).put("password", PASSWORD).mergeIn(extra));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> refresh(String refreshToken) {
    return api.send(HttpMethod.POST, "/api/v1/auth/refresh", null,
      new JsonObject().put("refreshToken", refreshToken));
  }

  private HttpResponse<Buffer> call(HttpMethod method, String path, String token) {
    return api.send(method, path, token, null);
  }

  @Test
  @DisplayName("a sign-in answers an access token naming its session and a refresh token stored only as its hash")
  void signIn() {
    Session ada = api.register();
    JsonObject signedIn = login(ada.email());

    assertThat(signedIn.getString("refreshToken")).hasSizeGreaterThan(40);
    assertThat(signedIn.getString("refreshExpiresAt")).isNotBlank();
    String payload = new String(java.util.Base64.getUrlDecoder().decode(signedIn.getString("token").split("\\.")[1]));
    assertThat(new JsonObject(payload).getString("sid")).isEqualTo(signedIn.getString("sessionId"));
    assertThat(api.count("SELECT count(*) FROM refresh_tokens WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
      signedIn.getString("refreshToken"))).isEqualTo(1);
  }

  @Test
  @DisplayName("a refresh spends the token and answers a new pair in the same session")
  void rotation() {
    Session ada = api.register();
    JsonObject first = login(ada.email());

    HttpResponse<Buffer> renewed = refresh(first.getString("refreshToken"));

    assertThat(renewed.statusCode()).as(renewed.bodyAsString()).isEqualTo(200);
    JsonObject second = renewed.bodyAsJsonObject();
    assertThat(second.getString("refreshToken")).isNotEqualTo(first.getString("refreshToken"));
    assertThat(second.getString("sessionId")).isEqualTo(first.getString("sessionId"));
    assertThat(api.meStatus(second.getString("token"))).isEqualTo(200);
    assertThat(refresh(second.getString("refreshToken")).statusCode()).as("the new one renews in turn").isEqualTo(200);
    assertThat(renewed.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(second.getInteger("expiresIn")).as("relative to the client's receive time, whatever its clock")
      .isEqualTo(api.config.getInteger("jwt.ttl.seconds", 3600));
  }

  @Test
  @DisplayName("a spent refresh token presented again after the grace window ends its whole session: both refresh "
    + "tokens and the access token")
  void reuseRevokesTheFamily() {
    Session ada = api.register();
    JsonObject first = login(ada.email());
    JsonObject other = login(ada.email());
    JsonObject second = refresh(first.getString("refreshToken")).bodyAsJsonObject();
    api.query("UPDATE refresh_tokens SET spent_at = spent_at - interval '31 seconds' "
      + "WHERE token_hash = sha256(convert_to($1, 'UTF8'))", first.getString("refreshToken"));

    assertProblem(refresh(first.getString("refreshToken")), 401, "used already");

    assertProblem(refresh(second.getString("refreshToken")), 401, "unknown");
    assertThat(api.meStatus(second.getString("token"))).as("the family's access token").isEqualTo(401);
    assertThat(api.meStatus(other.getString("token"))).as("another session of the user").isEqualTo(200);
    assertThat(api.count("SELECT count(*) FROM sessions WHERE id = $1::uuid", first.getString("sessionId"))).isZero();
  }

  @Test
  @DisplayName("two renewals with one refresh token at once (two tabs, one cookie): one rotates, the other is a plain "
    + "401, and the session survives")
  void concurrentRenewalsKeepTheSession() throws Exception {
    Session ada = api.register();
    JsonObject first = login(ada.email());
    String token = first.getString("refreshToken");

    var one = java.util.concurrent.CompletableFuture.supplyAsync(() -> refresh(token));
    var two = java.util.concurrent.CompletableFuture.supplyAsync(() -> refresh(token));
    java.util.List<HttpResponse<Buffer>> answers = java.util.List.of(one.get(), two.get());

    assertThat(answers).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(200, 401);
    HttpResponse<Buffer> rotated = answers.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
    HttpResponse<Buffer> raced = answers.stream().filter(r -> r.statusCode() == 401).findFirst().orElseThrow();
    assertProblem(raced, 401, "just renewed by another request");
    assertThat(api.count("SELECT count(*) FROM sessions WHERE id = $1::uuid", first.getString("sessionId")))
      .as("the session").isEqualTo(1);
    JsonObject successor = rotated.bodyAsJsonObject();
    assertThat(api.meStatus(successor.getString("token"))).isEqualTo(200);
    assertThat(refresh(successor.getString("refreshToken")).statusCode()).as("the successor renews").isEqualTo(200);
  }

  @Test
  @DisplayName("within the grace window a spent token whose successor was used already is a reuse: the session ends")
  void reuseWithinTheWindowAfterTheSuccessorWasUsedRevokes() {
    Session ada = api.register();
    JsonObject first = login(ada.email());
    JsonObject second = refresh(first.getString("refreshToken")).bodyAsJsonObject();
    JsonObject third = refresh(second.getString("refreshToken")).bodyAsJsonObject();

    assertProblem(refresh(first.getString("refreshToken")), 401, "used already");

    assertProblem(refresh(third.getString("refreshToken")), 401, "unknown");
    assertThat(api.count("SELECT count(*) FROM sessions WHERE id = $1::uuid", first.getString("sessionId"))).isZero();
  }

  @Test
  @DisplayName("refresh without a token, with an unknown, malformed or expired one is a 401 or 400, never a 5xx")
  void refreshFailures() {
    assertProblem(api.send(HttpMethod.POST, "/api/v1/auth/refresh", null, new JsonObject()), 401,
      "no refresh token");
    assertProblem(api.send(HttpMethod.POST, "/api/v1/auth/refresh", null, null), 401, "no refresh token");
    assertProblem(refresh("A".repeat(43)), 401, "unknown");
    assertThat(refresh("not a token!").statusCode()).isEqualTo(400);
    assertThat(api.send(HttpMethod.POST, "/api/v1/auth/refresh", null,
      new JsonObject().put("refreshToken", "x").put("more", 1)).statusCode()).isEqualTo(400);

    Session ada = api.register();
    JsonObject signedIn = login(ada.email());
    api.query("UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE session_id = $1::uuid",
      signedIn.getString("sessionId"));
    assertProblem(refresh(signedIn.getString("refreshToken")), 401, "expired");
  }

  @Test
  @DisplayName("with refreshTokenIn cookie the refresh token is only in an HttpOnly SameSite=Strict cookie on /api/v1/auth")
  void cookie() {
    Session ada = api.register();
    HttpResponse<Buffer> response = api.send(HttpMethod.POST, "/api/v1/auth/login", null,
      new JsonObject().put("email", ada.email()).put("password", PASSWORD).put("refreshTokenIn", "cookie"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().containsKey("refreshToken")).isFalse();
    String setCookie = response.getHeader("Set-Cookie");
    assertThat(setCookie).startsWith("taskflow_refresh=").contains("Path=/api/v1/auth").contains("HTTPOnly")
      .contains("SameSite=Strict").contains("Max-Age=");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    HttpResponse<Buffer> renewed = api.send(HttpMethod.POST, "/api/v1/auth/refresh", null, new JsonObject(),
      Map.of("Cookie", cookie));

    assertThat(renewed.statusCode()).as(renewed.bodyAsString()).isEqualTo(200);
    assertThat(renewed.bodyAsJsonObject().containsKey("refreshToken")).isFalse();
    assertThat(renewed.getHeader("Set-Cookie")).startsWith("taskflow_refresh=").doesNotStartWith(cookie + ";");
    HttpResponse<Buffer> raced = api.send(HttpMethod.POST, "/api/v1/auth/refresh", null, new JsonObject(),
      Map.of("Cookie", cookie));
    assertProblem(raced, 401, "just renewed");
    assertThat(raced.getHeader("Set-Cookie")).as("the other tab's new cookie is left alone").isNull();
    api.query("UPDATE refresh_tokens SET spent_at = spent_at - interval '31 seconds' WHERE session_id = $1::uuid",
      response.bodyAsJsonObject().getString("sessionId"));
    HttpResponse<Buffer> reused = api.send(HttpMethod.POST, "/api/v1/auth/refresh", null, new JsonObject(),
      Map.of("Cookie", cookie));
    assertProblem(reused, 401, "used already");
    assertThat(reused.getHeader("Set-Cookie")).as("the cookie is cleared").contains("Max-Age=0");
  }

  @Test
  @DisplayName("the sessions list shows the user's own sessions, the current one marked, with its device")
  void list() {
    Session ada = api.register();
    Session bob = api.register();
    JsonObject phone = login(ada.email());
    HttpResponse<Buffer> response = api.send(HttpMethod.GET, "/api/v1/auth/sessions", phone.getString("token"), null,
      Map.of("User-Agent", "ignored on a GET"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonArray items = response.bodyAsJsonObject().getJsonArray("items");
    assertThat(items).hasSize(2); // registration and login
    assertThat(items.stream().map(JsonObject.class::cast).filter(s -> s.getBoolean("current")))
      .singleElement().satisfies(s -> assertThat(s.getString("id")).isEqualTo(phone.getString("sessionId")));
    assertThat(items.stream().map(JsonObject.class::cast).map(s -> s.getString("label"))).allMatch(l -> !l.isBlank());
    assertThat(call(HttpMethod.GET, "/api/v1/auth/sessions", bob.token()).bodyAsJsonObject().getJsonArray("items"))
      .as("bob's list").hasSize(1);
    assertProblem(call(HttpMethod.GET, "/api/v1/auth/sessions", null), 401, "");
    assertProblem(call(HttpMethod.GET, "/api/v1/auth/sessions", "not.a.token"), 401, "");
    assertProblem(call(HttpMethod.POST, "/api/v1/auth/logout", null), 401, "");
  }

  @Test
  @DisplayName("ending a session stops its access token at once; another user's session id is a 404 and stays")
  void deleteSession() {
    Session ada = api.register();
    Session bob = api.register();
    JsonObject laptop = login(ada.email());
    JsonObject bobs = login(bob.email());

    assertProblem(call(HttpMethod.DELETE, "/api/v1/auth/sessions/" + bobs.getString("sessionId"), ada.token()), 404,
      "no session");
    assertThat(api.meStatus(bobs.getString("token"))).isEqualTo(200);
    assertProblem(call(HttpMethod.DELETE, "/api/v1/auth/sessions/" + UUID.randomUUID(), ada.token()), 404,
      "no session");
    assertThat(call(HttpMethod.DELETE, "/api/v1/auth/sessions/not-a-uuid", ada.token()).statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.DELETE, "/api/v1/auth/sessions/" + laptop.getString("sessionId"), null).statusCode())
      .isEqualTo(401);

    assertThat(call(HttpMethod.DELETE, "/api/v1/auth/sessions/" + laptop.getString("sessionId"), ada.token())
      .statusCode()).isEqualTo(204);

    assertProblem(api.send(HttpMethod.GET, "/api/v1/me", laptop.getString("token"), null), 401, "signed out");
    assertProblem(refresh(laptop.getString("refreshToken")), 401, "unknown");
    assertThat(api.meStatus(ada.token())).isEqualTo(200);
  }

  @Test
  @DisplayName("logout ends this session only; logout-all ends every session of the user and no other user's")
  void logout() {
    Session ada = api.register();
    Session bob = api.register();
    JsonObject one = login(ada.email());
    JsonObject two = login(ada.email());
    JsonObject three = login(ada.email());

    assertThat(call(HttpMethod.POST, "/api/v1/auth/logout", one.getString("token")).statusCode()).isEqualTo(204);
    assertThat(api.meStatus(one.getString("token"))).isEqualTo(401);
    assertThat(refresh(one.getString("refreshToken")).statusCode()).isEqualTo(401);
    assertThat(api.meStatus(two.getString("token"))).isEqualTo(200);

    assertThat(call(HttpMethod.POST, "/api/v1/auth/logout-all", two.getString("token")).statusCode()).isEqualTo(204);
    assertThat(api.meStatus(two.getString("token"))).isEqualTo(401);
    assertThat(api.meStatus(three.getString("token"))).isEqualTo(401);
    assertThat(api.meStatus(ada.token())).as("the registration's session").isEqualTo(401);
    assertThat(refresh(three.getString("refreshToken")).statusCode()).isEqualTo(401);
    assertThat(api.meStatus(bob.token())).isEqualTo(200);
    assertThat(call(HttpMethod.POST, "/api/v1/auth/logout-all", null).statusCode()).isEqualTo(401);
    assertThat(call(HttpMethod.POST, "/api/v1/auth/logout", two.getString("token")).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("past auth.sessions.max.per.user a sign-in ends the least recently used session")
  void maxPerUser() throws java.io.IOException {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    // a second API on the same database, on its own port
    try (TestApi small = new TestApi(db, new JsonObject().put("auth.sessions.max.per.user", 2).put("http.port", port))) {
      Session ada = small.register();
      JsonObject two = loginOn(small, ada.email());
      JsonObject three = loginOn(small, ada.email());
      assertThat(small.send(HttpMethod.GET, "/api/v1/me", ada.token(), null).statusCode()).isEqualTo(401);
      assertThat(small.send(HttpMethod.GET, "/api/v1/me", two.getString("token"), null).statusCode()).isEqualTo(200);
      assertThat(small.send(HttpMethod.GET, "/api/v1/me", three.getString("token"), null).statusCode()).isEqualTo(200);
    }
  }

  private static JsonObject loginOn(TestApi on, String email) {
    return on.send(HttpMethod.POST, "/api/v1/auth/login", null,
      new JsonObject().put("email", email).put("password", PASSWORD)).bodyAsJsonObject();
  }
}
