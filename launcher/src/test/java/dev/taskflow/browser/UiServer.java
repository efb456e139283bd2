package dev.taskflow.browser;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.recurrence.RecurrenceVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.openqa.selenium.Keys;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server the smaller UI tests need, in this JVM on the test database: the recurrence verticle (a quick-added
 * repeat creates a series), the relay and the API, events over the event bus (no broker). Also the tests' own API
 * client, and registering a new user in a browser.
 */
final class UiServer implements AutoCloseable {

  static final String PASSWORD = "correct horse battery";

  final Vertx vertx = TaskflowVertx.create();
  final JsonObject config;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  UiServer(JsonObject dbConfig) {
    config = dbConfig.copy().put("auth.address.per.minute", 1000);
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    await(vertx.deployVerticle(new RecurrenceVerticle(), options));
    await(vertx.deployVerticle(new RelayVerticle(), options));
    await(vertx.deployVerticle(new ApiVerticle(), options));
  }

  String baseUrl() {
    return "http://127.0.0.1:" + config.getInteger("http.port");
  }

  /** Sends a request to /api/v1 and answers {status, body}; body is the JSON answer or null. */
  JsonObject api(String token, String method, String path, JsonObject body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1" + path))
      .timeout(Duration.ofSeconds(30))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      String text = response.body();
      return new JsonObject().put("status", response.statusCode())
        .put("body", text == null || text.isBlank() ? null : new JsonObject(text));
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  JsonObject createTask(String token, JsonObject task) {
    JsonObject answer = api(token, "POST", "/tasks", task);
    assertThat(answer.getInteger("status")).as(answer.encode()).isEqualTo(201);
    return answer.getJsonObject("body");
  }

  /** Registers a new user through the page (so the page is signed in and live) and answers the access token. */
  String register(Browser browser) {
    String email = "u-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    browser.open("/");
    browser.waitFor("#show-register").click();
    browser.waitFor("#register-name").sendKeys("Grace");
    browser.find("#register-email").sendKeys(email);
    browser.find("#register-password").sendKeys(PASSWORD, Keys.ENTER);
    waitLive(browser);
    return new JsonObject((String) browser.js("return localStorage.getItem('taskflow.session')")).getString("token");
  }

  static void waitLive(Browser browser) {
    browser.waitUntil("the live indicator to say live",
      "return document.getElementById('live').dataset.state === 'live'");
  }

  /** The browser's pages run in this IANA zone (set before they load). */
  static void zone(Browser browser, String zone) {
    browser.driver.executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", zone));
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
