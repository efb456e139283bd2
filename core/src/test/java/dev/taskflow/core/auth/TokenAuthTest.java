package dev.taskflow.core.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Tokens from configured PEM key pairs")
class TokenAuthTest {

  Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    vertx.close();
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + label
      + "-----\n";
  }

  private JwtSettings configured(Path dir, KeyPair pair) throws Exception {
    Path privateKey = dir.resolve("private.pem");
    Path publicKey = dir.resolve("public.pem");
    Files.writeString(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    Files.writeString(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    return new JwtSettings("taskflow", "taskflow", 600, privateKey.toString(), publicKey.toString(), null, 600, dir);
  }

  private User verify(TokenAuth auth, String token) throws Exception {
    return auth.authenticate(new TokenCredentials(token)).toCompletionStage().toCompletableFuture()
      .get(10, TimeUnit.SECONDS);
  }

  private static String header(String token) {
    return new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("an RSA pair signs and verifies RS256")
  void rsa(@TempDir Path dir) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    JwtSettings settings = configured(dir, generator.generateKeyPair());
    TokenAuth auth = TokenAuth.local(vertx, settings, JwtKeys.loadOrCreate(settings));
    String token = auth.sign("user-1", new JsonObject());
    assertThat(new JsonObject(header(token)).getString("alg")).isEqualTo("RS256");
    assertThat(verify(auth, token).principal().getString("sub")).isEqualTo("user-1");
  }

  @Test
  @DisplayName("a generated pair signs ES256, and a token of another pair is refused")
  void ec(@TempDir Path dir) throws Exception {
    JwtSettings settings = new JwtSettings("taskflow", "taskflow", 600, null, null, null, 600, dir);
    TokenAuth auth = TokenAuth.local(vertx, settings, JwtKeys.loadOrCreate(settings));
    String token = auth.sign("user-2", new JsonObject());
    assertThat(new JsonObject(header(token)).getString("alg")).isEqualTo("ES256");
    assertThat(verify(auth, token).principal().getString("sub")).isEqualTo("user-2");
    TokenAuth other = TokenAuth.local(vertx, settings, JwtKeys.generate());
    assertThatThrownBy(() -> verify(auth, other.sign("user-2", new JsonObject()))).isNotNull();
  }
}
