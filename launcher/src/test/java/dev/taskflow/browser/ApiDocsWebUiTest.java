package dev.taskflow.browser;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The API docs page in real Chromium, under the UI's Content-Security-Policy: it renders and can call the API. */
@DisplayName("The web UI: the API docs page")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiDocsWebUiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  Vertx vertx;
  JsonObject config;

  @BeforeAll
  void start() {
    config = db.config();
    vertx = TaskflowVertx.create();
    await(vertx.deployVerticle(new ApiVerticle(), new DeploymentOptions().setConfig(config)));
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("Swagger UI shows every operation of the served contract, with no CSP violation, and Try it out works")
  void rendersTheContract() {
    try (Browser browser = new Browser("http://127.0.0.1:" + config.getInteger("http.port"), 1280, 900)) {
      browser.open("/docs/api");
      browser.waitUntil("the operations of the contract",
        "return document.querySelectorAll('.opblock').length >= 20");
      assertThat((String) browser.js("return document.querySelector('.info .title').textContent"))
        .contains("Taskflow");
      assertThat((Boolean) browser.js("return [...document.querySelectorAll('.opblock-summary-path')]"
        + ".some(path => path.textContent.includes('/tasks/{id}'))")).isTrue();

      // Try it out: GET /me from a browser that is not signed in is the API's own 401
      browser.waitFor("[id$='-getMe'] .opblock-summary-control").click();
      browser.waitFor(".opblock.is-open .try-out__btn").click();
      browser.waitFor(".opblock.is-open .execute").click();
      browser.waitUntil("the answer of GET /me without a token, from this server",
        "const status = document.querySelector('.opblock.is-open .live-responses-table tbody .response-col_status');"
          + " return !!status && status.textContent.trim().startsWith('401')");

      browser.screenshot("api-docs");
      String console = browser.console();
      assertThat(console).doesNotContain("Content Security Policy").doesNotContain("Refused to");
    }
  }
}
