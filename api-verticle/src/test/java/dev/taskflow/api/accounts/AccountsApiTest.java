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

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Accounts: register, login, me")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountsApiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  TestApi api;

  @BeforeAll
  void start() {
    api = new TestApi(db);
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private HttpResponse<Buffer> register(Object body) {
    return api.send(HttpMethod.POST, "/api/v1/auth/register", null, body);
  }

  @Test
  @DisplayName("register answers 201 with the user and a working token, and stores an argon2id hash")
  void register() {
    HttpResponse<Buffer> response = register(new JsonObject().put("email", "Grace@Example.com")
      .put("password", "a long enough password").put("displayName", "Grace Hopper"));

    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    JsonObject body = response.bodyAsJsonObject();
    JsonObject user = body.getJsonObject("user");
    assertThat(user.getString("email")).isEqualTo("Grace@Example.com");
    assertThat(user.getString("displayName")).isEqualTo("Grace Hopper");
    assertThat(Instant.parse(body.getString("expiresAt"))).isCloseTo(Instant.now().plusSeconds(3600),
      within(60, java.time.temporal.ChronoUnit.SECONDS));
    HttpResponse<Buffer> me = api.send(HttpMethod.GET, "/api/v1/me", body.getString("token"), null);
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.bodyAsJsonObject().getString("id")).isEqualTo(user.getString("id"));

    String hash = api.query("SELECT password_hash FROM users WHERE id = $1::uuid", user.getString("id"))
      .iterator().next().getString(0);
    assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("a long enough password");
  }

  @Test
  @DisplayName("a second account with the same e-mail, in any case, is a 409")
  void duplicateEmail() {
    api.register("linus@example.com");
    HttpResponse<Buffer> response = register(new JsonObject().put("email", "LINUS@example.com")
      .put("password", "another password"));
    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("linus@example.com");
    assertThat(api.count("SELECT count(*) FROM users WHERE lower(email) = 'linus@example.com'")).isEqualTo(1);
  }

  @ParameterizedTest(name = "register with {0} is a 400")
  @ValueSource(strings = {
    "{\"email\": \"not-an-email\", \"password\": \"long enough pw\"}",
    "{\"email\": \"a@example.com\", \"password\": \"short\"}",
    "{\"email\": \"a@example.com\"}",
    "{\"email\": \"a@example.com\", \"password\": \"long enough pw\", \"admin\": true}",
    "{\"email\": \"a@example.com\", \"password\": \"long enough pw\", \"displayName\": \"   \"}",
    "{\"email\": \"a@example.com\", \"password\": \"long enough pw\", \"displayName\": \"a\\u0000\"}",
    "{\"email\": 7, \"password\": \"long enough pw\"}",
    "{\"email\": \"a@example.com\", \"password\": \"long",
  })
  void badRegistration(String body) {
    HttpResponse<Buffer> response = register(Buffer.buffer(body));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
    assertThat(api.count("SELECT count(*) FROM users WHERE email = 'a@example.com'")).isZero();
  }

  @Test
  @DisplayName("login with the right password gives a token; a wrong password or unknown e-mail is the same 401")
  void login() {
    Session session = api.register("ken@example.com");

    HttpResponse<Buffer> ok = api.login("KEN@example.com", "correct horse battery staple");
    assertThat(ok.statusCode()).isEqualTo(200);
    String token = ok.bodyAsJsonObject().getString("token");
    assertThat(ok.bodyAsJsonObject().getString("expiresAt")).isNotBlank();
    assertThat(api.send(HttpMethod.GET, "/api/v1/me", token, null).bodyAsJsonObject().getString("id"))
      .isEqualTo(session.userId().toString());

    HttpResponse<Buffer> wrong = api.login("ken@example.com", "wrong password");
    HttpResponse<Buffer> unknown = api.login("nobody@example.com", "correct horse battery staple");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(wrong.bodyAsJsonObject().getString("detail"))
      .isEqualTo(unknown.bodyAsJsonObject().getString("detail"));
    assertThat(api.login("ken@example.com", "").statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("me without a token is a 401 with WWW-Authenticate")
  void meNeedsToken() {
    HttpResponse<Buffer> response = api.send(HttpMethod.GET, "/api/v1/me", null, null);
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  @DisplayName("the answers that carry a token say Cache-Control: no-store")
  void tokensAreNotCached() {
    HttpResponse<Buffer> registered = register(new JsonObject().put("email", "dennis@example.com")
      .put("password", "correct horse battery staple"));
    assertThat(registered.statusCode()).isEqualTo(201);
    assertThat(registered.getHeader("Cache-Control")).isEqualTo("no-store");
    HttpResponse<Buffer> loggedIn = api.login("dennis@example.com", "correct horse battery staple");
    assertThat(loggedIn.statusCode()).isEqualTo(200);
    assertThat(loggedIn.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(api.login("dennis@example.com", "wrong password").getHeader("Cache-Control")).isEqualTo("no-store");
  }
}
