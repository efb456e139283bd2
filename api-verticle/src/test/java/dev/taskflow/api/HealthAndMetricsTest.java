package dev.taskflow.api;

import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Health, metrics, the OpenAPI document and unknown paths")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthAndMetricsTest {

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

  @Test
  @DisplayName("live and ready answer 200 UP, ready with the database check")
  void health() {
    var live = api.send(HttpMethod.GET, "/health/live", null, null);
    assertThat(live.statusCode()).isEqualTo(200);
    var ready = api.send(HttpMethod.GET, "/health/ready", null, null);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("UP");
    assertThat(ready.bodyAsJsonObject().getJsonArray("checks").getJsonObject(0).getString("id")).isEqualTo("database");
  }

  @Test
  @DisplayName("metrics are Prometheus text with HTTP server and JVM figures")
  void metrics() {
    api.register();
    var metrics = api.send(HttpMethod.GET, "/metrics", null, null);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.bodyAsString()).contains("vertx_http_server_requests_total").contains("jvm_memory_used_bytes");
  }

  @Test
  @DisplayName("the OpenAPI document is served as YAML")
  void contract() {
    var response = api.send(HttpMethod.GET, "/api/v1/openapi.yaml", null, null);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/yaml");
    assertThat(response.bodyAsString()).startsWith("openapi: 3.1.0").contains("operationId: createTask");
  }

  @Test
  @DisplayName("unknown paths are problem+json 404s and wrong methods 405s")
  void unknown() {
    var missing = api.send(HttpMethod.GET, "/api/v1/nothing-here", null, null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.getHeader("Content-Type")).isEqualTo("application/problem+json");
    var wrongMethod = api.send(HttpMethod.PUT, "/api/v1/tasks", api.register().token(), null);
    assertThat(wrongMethod.statusCode()).isIn(404, 405);
    assertThat(wrongMethod.getHeader("Content-Type")).isEqualTo("application/problem+json");
  }
}
