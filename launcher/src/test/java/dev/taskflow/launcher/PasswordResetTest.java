package dev.taskflow.launcher;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("reset-password: the operator's password reset")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PasswordResetTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  Vertx vertx;
  WebClient client;
  Pool pool;
  JsonObject config;

  @BeforeAll
  void start() {
    vertx = TaskflowVertx.create();
    config = db.config().put("auth.address.per.minute", 100_000);
    await(vertx.deployVerticle(new ApiVerticle(), new DeploymentOptions().setConfig(config)));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(config.getInteger("http.port")));
    pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(config.getString("db.url"))).using(vertx).build();
  }

  @AfterAll
  void stop() {
    await(pool.close());
    await(vertx.close());
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private HttpResponse<Buffer> post(String path, JsonObject body) {
    return await(client.post(path).sendJsonObject(body));
  }

  private int me(String token) {
    return await(client.get("/api/v1/me").putHeader("Authorization", "Bearer " + token).send()).statusCode();
  }

  @Test
  @DisplayName("sets the new password and ends every session of the account, and only of that account")
  void reset() {
    String token = post("/api/v1/auth/register", new JsonObject().put("email", "forgetful@example.com")
      .put("password", "the old password")).bodyAsJsonObject().getString("token");
    String other = post("/api/v1/auth/register", new JsonObject().put("email", "other@example.com")
      .put("password", "the old password")).bodyAsJsonObject().getString("token");
    String generated = PasswordReset.generate();

    PasswordReset.Result result = await(PasswordReset.reset(vertx, pool, config, "Forgetful@Example.com", generated));

    assertThat(result.sessionsEnded()).isEqualTo(1);
    assertThat(generated).hasSize(20);
    assertThat(me(token)).isEqualTo(401);
    assertThat(me(other)).isEqualTo(200);
    assertThat(post("/api/v1/auth/login", new JsonObject().put("email", "forgetful@example.com")
      .put("password", "the old password")).statusCode()).isEqualTo(401);
    assertThat(post("/api/v1/auth/login", new JsonObject().put("email", "forgetful@example.com")
      .put("password", generated)).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("an unknown e-mail or a too short password is refused with the reason, changing nothing")
  void refused() {
    assertThatThrownBy(() -> await(PasswordReset.reset(vertx, pool, config, "nobody@example.com", "long enough pw")))
      .hasRootCauseMessage("no local account has the e-mail nobody@example.com");
    assertThatThrownBy(() -> await(PasswordReset.reset(vertx, pool, config, "other@example.com", "short")))
      .hasRootCauseMessage("the password must be 8 to 256 characters");
  }

  @Test
  @DisplayName("the password is the first line of standard input; the command line wants --email")
  void input() throws Exception {
    assertThat(PasswordReset.read(new ByteArrayInputStream("s3cret pass\nmore\n".getBytes(StandardCharsets.UTF_8))))
      .isEqualTo("s3cret pass");
    assertThatThrownBy(() -> PasswordReset.read(new ByteArrayInputStream(new byte[0])))
      .hasMessageContaining("--generate");
    Main.Options options = Main.Options.parse(new String[]{"reset-password", "--email", "a@example.com", "--generate"});
    assertThat(options.email()).isEqualTo("a@example.com");
    assertThat(options.generate()).isTrue();
    assertThatThrownBy(() -> Main.Options.parse(new String[]{"reset-password"})).hasMessageContaining("--email");
    assertThatThrownBy(() -> Main.Options.parse(new String[]{"--email", "a@example.com"}))
      .hasMessageContaining("go with reset-password");
  }
}
