package dev.taskflow.api;

import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The web UI's files and the API docs page")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebRootTest {

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

  @ParameterizedTest
  @ValueSource(strings = {"/", "/js/app.js", "/js/views/list.js", "/css/app.css", "/docs/api.html"})
  @DisplayName("every UI file is no-cache with a Last-Modified, and a conditional request while it is current is a 304")
  void revalidatedEveryTime(String path) {
    var first = api.send(HttpMethod.GET, path, null, null);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.getHeader("Cache-Control")).isEqualTo("no-cache");
    String lastModified = first.getHeader("Last-Modified");
    assertThat(lastModified).isNotBlank();

    var again = api.send(HttpMethod.GET, path, null, null, Map.of("If-Modified-Since", lastModified));
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isNull();
  }

  @Test
  @DisplayName("the API docs page loads Swagger UI from this server (built in from its webjar) over the served contract")
  void apiDocs() {
    var page = api.send(HttpMethod.GET, "/docs/api", null, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains("/vendor/swagger-ui/swagger-ui-bundle.js").contains("/docs/api.js");
    var bundle = api.send(HttpMethod.GET, "/vendor/swagger-ui/swagger-ui-bundle.js", null, null);
    assertThat(bundle.statusCode()).isEqualTo(200);
    assertThat(bundle.bodyAsString()).contains("SwaggerUIBundle");
    assertThat(api.send(HttpMethod.GET, "/vendor/swagger-ui/swagger-ui.css", null, null).statusCode()).isEqualTo(200);
    assertThat(api.send(HttpMethod.GET, "/docs/api.js", null, null).bodyAsString()).contains("/api/v1/openapi.yaml");
  }
}
