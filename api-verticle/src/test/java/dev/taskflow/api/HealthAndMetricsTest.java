package dev.taskflow.api;

import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.management.ManagementVerticle;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Health, metrics, the OpenAPI document and unknown paths")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthAndMetricsTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  TestApi api;
  WebClient management;

  @BeforeAll
  void start() {
    api = new TestApi(db);
    int port = TestDatabase.freePort();
    TestApi.await(api.vertx.deployVerticle(new ManagementVerticle(),
      new DeploymentOptions().setConfig(api.config.copy().put("management.port", port))));
    management = WebClient.create(api.vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  HttpResponse<Buffer> managementGet(String path) {
    return TestApi.await(management.get(path).send());
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
  @DisplayName("the management port serves metrics (Prometheus text with HTTP server and JVM figures) and health; the "
    + "public port has no /metrics")
  void metrics() {
    api.register();
    var metrics = managementGet("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.bodyAsString()).contains("vertx_http_server_requests_total").contains("jvm_memory_used_bytes");
    assertThat(managementGet("/health/live").statusCode()).isEqualTo(200);
    var ready = managementGet("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.bodyAsJsonObject().getJsonArray("checks")).extracting(check -> ((JsonObject) check).getString("id"))
      .containsExactly("database", "consumers");
    var broker = managementGet("/health/broker");
    assertThat(broker.statusCode()).isEqualTo(200);
    assertThat(broker.bodyAsJsonObject().getJsonArray("checks").getJsonObject(0).getString("id")).isEqualTo("broker");
    assertThat(api.send(HttpMethod.GET, "/metrics", null, null).statusCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("requests with made-up methods on made-up paths do not grow /metrics: methods count as OTHER, routes "
    + "are patterns")
  void metricsStayBounded() {
    Session user = api.register();
    for (String path : new String[]{"/api/v1/tasks", "/api/v1/me", "/nothing", "/"}) {
      api.send(HttpMethod.GET, path, user.token(), null);
      api.send(HttpMethod.valueOf("BASELINE"), path, user.token(), null);
    }
    int baseline = managementGet("/metrics").body().length();
    for (int i = 0; i < 1000; i++) {
      String method = "M" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase(Locale.ROOT);
      String path = switch (i % 4) {
        case 0 -> "/api/v1/tasks";
        case 1 -> "/api/v1/tasks/" + UUID.randomUUID();
        case 2 -> "/nothing/" + UUID.randomUUID();
        default -> "/" + UUID.randomUUID() + ".js";
      };
      api.send(HttpMethod.valueOf(method), path, user.token(), null);
    }
    String after = managementGet("/metrics").bodyAsString();
    assertThat(after.length()).as("the size of /metrics after 1,000 requests, against %d before", baseline)
      .isLessThan(2 * baseline);
    assertThat(after).contains("method=\"OTHER\"").doesNotContain("BASELINE").doesNotContain("/nothing/");
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
