package dev.taskflow.api.accounts;

import dev.taskflow.api.TestApi;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

import static dev.taskflow.api.TestApi.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("An external token issuer, configured by its JWKS URL")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalIssuerTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  static final String ISSUER = "https://idp.example.test";

  Vertx idpVertx;
  HttpServer idp;
  JWTAuth issuer;
  JWTAuth stranger;
  TestApi api;

  @BeforeAll
  void start() throws Exception {
    KeyPair pair = ecPair();
    JsonObject jwk = jwk((ECPublicKey) pair.getPublic(), "key-1");
    idpVertx = Vertx.vertx();
    idp = await(idpVertx.createHttpServer()
      .requestHandler(request -> request.response().putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("keys", new JsonArray().add(jwk)).encode()))
      .listen(0, "127.0.0.1"));
    issuer = signer(pair);
    stranger = signer(ecPair());
    api = new TestApi(db, new JsonObject()
      .put("jwt.jwks.url", "http://127.0.0.1:" + idp.actualPort() + "/.well-known/jwks.json")
      .put("jwt.issuer", ISSUER)
      .put("jwt.audience", "taskflow"));
  }

  @AfterAll
  void stop() {
    api.close();
    await(idpVertx.close());
  }

  private String token(JWTAuth signer, String subject) {
    return signer.generateToken(new JsonObject().put("email", subject + "@idp.example.test").put("name", "Ext " + subject),
      new JWTOptions().setAlgorithm("ES256").setIssuer(ISSUER).setSubject(subject).addAudience("taskflow")
        .setExpiresInSeconds(600).setHeader(new JsonObject().put("kid", "key-1")));
  }

  @Test
  @DisplayName("its tokens are accepted and map one subject to one account, created on first use")
  void acceptsIssuerTokens() {
    String token = token(issuer, "alice-42");
    var me = api.send(HttpMethod.GET, "/api/v1/me", token, null);
    assertThat(me.statusCode()).as(me.bodyAsString()).isEqualTo(200);
    assertThat(me.bodyAsJsonObject().getString("email")).isEqualTo("alice-42@idp.example.test");
    assertThat(me.bodyAsJsonObject().getString("displayName")).isEqualTo("Ext alice-42");

    var created = api.send(HttpMethod.POST, "/api/v1/tasks", token, new JsonObject().put("title", "From the IdP"));
    assertThat(created.statusCode()).isEqualTo(201);
    var again = api.send(HttpMethod.GET, "/api/v1/me", token(issuer, "alice-42"), null);
    assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(me.bodyAsJsonObject().getString("id"));
    assertThat(api.count("SELECT count(*) FROM users WHERE external_subject = $1", ISSUER + "|alice-42"))
      .isEqualTo(1);
  }

  @Test
  @DisplayName("tokens signed by a key not in its JWKS, or by the wrong issuer, are 401s")
  void refusesOthers() {
    assertThat(api.send(HttpMethod.GET, "/api/v1/me", token(stranger, "mallory"), null).statusCode())
      .isEqualTo(401);
    String wrongIssuer = issuer.generateToken(new JsonObject(), new JWTOptions().setAlgorithm("ES256")
      .setIssuer("https://other.example").setSubject("x").addAudience("taskflow").setExpiresInSeconds(600));
    assertThat(api.send(HttpMethod.GET, "/api/v1/me", wrongIssuer, null).statusCode()).isEqualTo(401);
  }

  @Test
  @DisplayName("local registration and login are refused with a reason")
  void noLocalAccounts() {
    var response = api.send(HttpMethod.POST, "/api/v1/auth/register", null,
      new JsonObject().put("email", "x@example.com").put("password", "long enough pw"));
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("external token issuer");
  }

  @Test
  @DisplayName("local sessions and account changes are refused with a reason: the issuer owns them")
  void noLocalSessions() {
    String token = token(issuer, "carol-7");
    assertThat(api.send(HttpMethod.POST, "/api/v1/auth/refresh", null, new JsonObject().put("refreshToken", "abc"))
      .statusCode()).isEqualTo(403);
    for (var request : java.util.List.of(
      new Object[]{HttpMethod.GET, "/api/v1/auth/sessions", null},
      new Object[]{HttpMethod.POST, "/api/v1/auth/logout-all", null},
      new Object[]{HttpMethod.PATCH, "/api/v1/me", new JsonObject().put("displayName", "C")},
      new Object[]{HttpMethod.POST, "/api/v1/me/password", new JsonObject().put("currentPassword", "x")
        .put("newPassword", "long enough pw")},
      new Object[]{HttpMethod.DELETE, "/api/v1/me", new JsonObject().put("password", "x")})) {
      var response = api.send((HttpMethod) request[0], (String) request[1], token, request[2]);
      assertThat(response.statusCode()).as("%s %s", request[0], request[1]).isEqualTo(403);
      assertThat(response.bodyAsJsonObject().getString("detail")).contains("external token issuer");
    }
  }

  private JWTAuth signer(KeyPair pair) {
    String pem = "-----BEGIN PRIVATE KEY-----\n"
      + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    return JWTAuth.create(idpVertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(pem)));
  }

  private static KeyPair ecPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static JsonObject jwk(ECPublicKey key, String kid) {
    return new JsonObject().put("kty", "EC").put("crv", "P-256").put("alg", "ES256").put("use", "sig")
      .put("kid", kid)
      .put("x", coordinate(key.getW().getAffineX()))
      .put("y", coordinate(key.getW().getAffineY()));
  }

  private static String coordinate(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] fixed = new byte[32];
    int copy = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - copy, fixed, 32 - copy, copy);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
  }

}
