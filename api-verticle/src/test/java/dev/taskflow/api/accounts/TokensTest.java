package dev.taskflow.api.accounts;

import dev.taskflow.api.TestApi;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.auth.JwtKeys;
import dev.taskflow.core.auth.JwtSettings;
import dev.taskflow.core.auth.TokenAuth;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Bearer tokens")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokensTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  TestApi api;
  Session ada;
  Session bob;
  TokenAuth serverKeys;

  @BeforeAll
  void start() {
    api = new TestApi(db);
    ada = api.register();
    bob = api.register();
    serverKeys = TokenAuth.local(api.vertx, JwtSettings.from(api.config), JwtKeys.loadOrCreate(JwtSettings.from(api.config)));
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private HttpResponse<Buffer> me(String token) {
    return api.send(HttpMethod.GET, "/api/v1/me", token, null);
  }

  private void assertUnauthorized(String token) {
    HttpResponse<Buffer> response = me(token);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(401);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(response.bodyAsJsonObject().getString("detail")).isNotBlank();
    // and no task can be written with it
    assertThat(api.send(HttpMethod.POST, "/api/v1/tasks", token, new JsonObject().put("title", "sneaky"))
      .statusCode()).isEqualTo(401);
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private JsonObject claims(String subject) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", subject).put("iss", "taskflow").put("aud", "taskflow")
      .put("iat", now).put("exp", now + 600);
  }

  @Test
  @DisplayName("a token the server signed works")
  void valid() {
    assertThat(me(serverKeys.sign(ada.userId().toString(), new JsonObject())).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a missing token, or garbage in its place, is a 401")
  void missing() {
    assertUnauthorized(null);
    assertUnauthorized("not.a.jwt");
    assertUnauthorized("");
  }

  @Test
  @DisplayName("an expired token is a 401")
  void expired() {
    long now = System.currentTimeMillis() / 1000;
    String token = serverKeys.generateToken(claims(ada.userId().toString()).put("iat", now - 7200).put("exp", now - 60),
      new JWTOptions().setAlgorithm("ES256").setNoTimestamp(true));
    assertUnauthorized(token);
  }

  @Test
  @DisplayName("a token without an expiry is a 401")
  void noExpiry() {
    JsonObject claims = claims(ada.userId().toString());
    claims.remove("exp");
    assertUnauthorized(serverKeys.generateToken(claims, new JWTOptions().setAlgorithm("ES256")));
  }

  @Test
  @DisplayName("a tampered token (subject swapped, signature kept) is a 401")
  void tampered() {
    String[] parts = ada.token().split("\\.");
    JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    payload.put("sub", bob.userId().toString());
    assertUnauthorized(parts[0] + "." + b64(payload.encode()) + "." + parts[2]);
  }

  @Test
  @DisplayName("an alg:none token is a 401")
  void algNone() {
    String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
    String payload = b64(claims(ada.userId().toString()).encode());
    assertUnauthorized(header + "." + payload + ".");
    assertUnauthorized(header + "." + payload);
  }

  @Test
  @DisplayName("a token signed with another key is a 401")
  void wrongKey() {
    TokenAuth other = TokenAuth.local(api.vertx, JwtSettings.from(api.config), JwtKeys.generate());
    assertUnauthorized(other.sign(ada.userId().toString(), new JsonObject()));
  }

  @Test
  @DisplayName("a token of another issuer or audience is a 401")
  void wrongIssuer() {
    assertUnauthorized(serverKeys.generateToken(claims(ada.userId().toString()).put("iss", "evil"),
      new JWTOptions().setAlgorithm("ES256")));
    assertUnauthorized(serverKeys.generateToken(claims(ada.userId().toString()).put("aud", "someone-else"),
      new JWTOptions().setAlgorithm("ES256")));
  }

  @Test
  @DisplayName("a validly signed token for an account that does not exist is a 401, not a 500")
  void unknownAccount() {
    assertUnauthorized(serverKeys.sign(UUID.randomUUID().toString(), new JsonObject()));
    assertUnauthorized(serverKeys.sign("not-a-uuid", new JsonObject()));
  }

  @Test
  @DisplayName("a token whose exp is not a number (\"exp\":\"string\") is a 401, not a 500")
  void expNotANumber() {
    assertUnauthorized(serverKeys.generateToken(claims(ada.userId().toString()).put("exp", "string"),
      new JWTOptions().setAlgorithm("ES256")));
    assertUnauthorized(serverKeys.generateToken(claims(ada.userId().toString()).put("exp", new JsonObject()),
      new JWTOptions().setAlgorithm("ES256")));
  }

  @Test
  @DisplayName("the token of a user whose account was deleted stops working at once, though it was used before")
  void deletedAccount() {
    Session gone = api.register();
    assertThat(me(gone.token()).statusCode()).isEqualTo(200);
    assertThat(api.send(HttpMethod.GET, "/api/v1/tasks", gone.token(), null).statusCode()).isEqualTo(200);

    api.query("DELETE FROM users WHERE id = $1", gone.userId());

    assertUnauthorized(gone.token());
    assertThat(api.send(HttpMethod.GET, "/api/v1/tasks", gone.token(), null).statusCode()).isEqualTo(401);
  }
}
