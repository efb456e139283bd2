package dev.taskflow.core.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Configuration: defaults, then a file, then TASKFLOW_* variables")
class TaskflowConfigTest {

  Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private JsonObject load(String file, Map<String, String> env) throws Exception {
    return TaskflowConfig.load(vertx, file, env).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("with nothing set, the classpath defaults apply: port 8080, embedded database")
  void defaults() throws Exception {
    JsonObject config = load(null, Map.of());
    assertThat(config.getInteger("http.port")).isEqualTo(8080);
    assertThat(config.getString("db.url")).isEmpty();
    assertThat(config.getString("data.dir")).isEqualTo("./taskflow-data");
  }

  @Test
  @DisplayName("a YAML file overrides the defaults and the environment overrides the file, typed like the default")
  void layering(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("taskflow.yaml");
    Files.writeString(file, "http.port: 9090\ndb.pool.size: 4\njwt.issuer: from-file\n");
    JsonObject config = load(null, Map.of(
      "TASKFLOW_CONFIG", file.toString(),
      "TASKFLOW_HTTP_PORT", "7070",
      "TASKFLOW_DB_URL", "postgresql://u:p@db:5432/taskflow",
      "TASKFLOW_NOT_A_KEY", "ignored"));
    assertThat(config.getValue("http.port")).isEqualTo(7070);
    assertThat(config.getInteger("db.pool.size")).isEqualTo(4);
    assertThat(config.getString("jwt.issuer")).isEqualTo("from-file");
    assertThat(config.getString("db.url")).isEqualTo("postgresql://u:p@db:5432/taskflow");
    assertThat(config.containsKey("not.a.key")).isFalse();
  }

  @Test
  @DisplayName("a number variable that is not a number fails at load, naming the variable")
  void badNumber() {
    assertThatThrownBy(() -> load(null, Map.of("TASKFLOW_HTTP_PORT", "eighty")))
      .hasMessageContaining("TASKFLOW_HTTP_PORT must be a number, got 'eighty'");
  }

  @Test
  @DisplayName("a switch is true or false, any case; anything else fails at load, naming the variable")
  void switches() throws Exception {
    assertThat(load(null, Map.of()).getBoolean("webhooks.allow.private")).isFalse();
    assertThat(load(null, Map.of("TASKFLOW_WEBHOOKS_ALLOW_PRIVATE", "TRUE")).getValue("webhooks.allow.private"))
      .isEqualTo(true);
    assertThatThrownBy(() -> load(null, Map.of("TASKFLOW_WEBHOOKS_ALLOW_PRIVATE", "1")))
      .hasMessageContaining("TASKFLOW_WEBHOOKS_ALLOW_PRIVATE must be true or false, got '1'");
  }

  @Test
  @DisplayName("a configured file that does not exist fails the load")
  void missingFile(@TempDir Path dir) {
    assertThatThrownBy(() -> load(dir.resolve("nope.json").toString(), Map.of()))
      .isInstanceOf(java.util.concurrent.ExecutionException.class)
      .hasMessageContaining("nope.json");
  }

  @Test
  @DisplayName("every key has one environment variable")
  void envNames() {
    assertThat(TaskflowConfig.envName("db.url")).isEqualTo("TASKFLOW_DB_URL");
    assertThat(TaskflowConfig.envName("jwt.jwks.url")).isEqualTo("TASKFLOW_JWT_JWKS_URL");
  }
}
