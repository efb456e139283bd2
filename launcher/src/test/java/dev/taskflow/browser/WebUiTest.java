package dev.taskflow.browser;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.audit.AuditVerticle;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.kafka.TestKafka;
import dev.taskflow.core.outbox.OutboxWriter;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.recurrence.RecurrenceVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI in headless Chromium against the whole server in one JVM (embedded PostgreSQL and Kafka, the audit,
 * recurrence and relay verticles and the API): two tabs of one user see each other's changes within half a second, a
 * second user sees nothing of the first, a reminder shows a toast, and a tab follows the server through a restart.
 * The tests run in order on one server and share the browsers; screenshots go to {@code target/screenshots/}.
 */
@DisplayName("The web UI")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  @RegisterExtension
  static TestKafka kafka = new TestKafka();

  static final String PASSWORD = "correct horse battery";
  static final String ADA = "ada@example.com";
  static final String BOB = "bob@example.com";
  static final long LATENCY_LIMIT_MS = 500;

  Vertx vertx;
  JsonObject config;
  WebClient http;
  Pool sql;
  final List<String> deployments = new ArrayList<>();

  /** Ada's browser with two tabs, and Bob's. */
  Browser ada;
  String first;
  String second;
  Browser bob;

  @BeforeAll
  void start() {
    JsonObject broker = kafka.config();
    config = db.config()
      .put("transport", "kafka")
      .put("kafka.bootstrap", broker.getString("kafka.bootstrap"))
      .put("kafka.topic.prefix", broker.getString("kafka.topic.prefix"))
      .put("consumer.retry.attempts", 3)
      .put("consumer.retry.initial.ms", 50L)
      .put("relay.max.backoff.ms", 500L);
    vertx = TaskflowVertx.create();
    startServer();
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(config.getInteger("http.port")));
    sql = Database.pool(vertx, db.settings());
    ada = new Browser(baseUrl(), 1280, 900);
  }

  @AfterAll
  void stop() {
    for (Browser browser : new Browser[]{ada, bob}) {
      if (browser != null) {
        browser.close();
      }
    }
    await(vertx.close());
  }

  /** The verticles in the launcher's order: consumers, then the relay that feeds them, the API last. */
  void startServer() {
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    deployments.add(await(vertx.deployVerticle(new AuditVerticle(), options)));
    deployments.add(await(vertx.deployVerticle(new RecurrenceVerticle(), options)));
    deployments.add(await(vertx.deployVerticle(new RelayVerticle(), options)));
    deployments.add(await(vertx.deployVerticle(new ApiVerticle(), options)));
  }

  void stopServer() {
    for (int i = deployments.size() - 1; i >= 0; i--) {
      await(vertx.undeploy(deployments.get(i)));
    }
    deployments.clear();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + config.getInteger("http.port");
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("Future failed or timed out", e);
    }
  }

  // ---- the API, as the tests' own client ----

  HttpResponse<Buffer> send(String token, HttpMethod method, String path, JsonObject body) {
    var request = http.request(method, path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  JsonObject createTask(String token, JsonObject body) {
    HttpResponse<Buffer> response = send(token, HttpMethod.POST, "/api/v1/tasks", body);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    return response.bodyAsJsonObject();
  }

  /** The login a browser keeps in localStorage. */
  static JsonObject session(Browser browser) {
    return new JsonObject((String) browser.js("return localStorage.getItem('taskflow.session')"));
  }

  // ---- the page ----

  static void waitLive(Browser browser) {
    browser.waitUntil("the live indicator to say live",
      "return document.getElementById('live').dataset.state === 'live'");
  }

  /** The row of the task with this title, once there is one. */
  static WebElement row(Browser browser, String title) {
    return browser.waitFor("a row titled " + title, d -> (WebElement) browser.js(
      "return Array.from(document.querySelectorAll('#task-list .task'))"
        + ".find(li => li.querySelector('.task-title').textContent === arguments[0]) || null", title));
  }

  static boolean hasRow(Browser browser, String title) {
    return Boolean.TRUE.equals(browser.js("return Array.from(document.querySelectorAll('#task-list .task-title'))"
      + ".some(b => b.textContent === arguments[0])", title));
  }

  static void showView(Browser browser, String view) {
    browser.find("#views .view[data-view='" + view + "']").click();
    browser.waitUntil("the view " + view, "return document.querySelector(\"#views [data-view='\" + arguments[0]"
      + " + \"']\").getAttribute('aria-pressed') === 'true' && document.getElementById('list-status').textContent"
      + " === ''", view);
  }

  static void type(WebElement input, String text) {
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    input.sendKeys(text);
  }

  // ---- tests ----

  @Test
  @Order(1)
  @DisplayName("a new user registers, logs out and logs in again")
  void registerAndLogIn() {
    ada.open("/");
    ada.waitFor("#login-email");
    ada.screenshot("login");
    ada.find("#show-register").click();
    ada.waitFor("#register-name").sendKeys("Ada Lovelace");
    ada.find("#register-email").sendKeys(ADA);
    ada.find("#register-password").sendKeys("short");
    ada.find("#register-form button[type=submit]").click();
    assertThat(ada.waitFor("#register-error").getText()).contains("at least 8 characters");
    type(ada.find("#register-password"), PASSWORD);
    ada.find("#register-form button[type=submit]").click();
    waitLive(ada);
    assertThat(ada.find("#who").getText()).isEqualTo("Ada Lovelace");

    ada.find("#logout").click();
    ada.waitFor("#login-email").sendKeys(ADA);
    ada.find("#login-password").sendKeys("wrong password");
    ada.find("#login-password").sendKeys(Keys.ENTER);
    // the server's problem detail, as it says it
    assertThat(ada.waitFor("#login-error").getText()).isEqualTo("The e-mail or the password is wrong.");
    type(ada.find("#login-password"), PASSWORD);
    ada.find("#login-password").sendKeys(Keys.ENTER);
    waitLive(ada);
    first = ada.tab();
  }

  @Test
  @Order(2)
  @DisplayName("two tabs of one user: each create, edit, completion and deletion shows in the other within 500 ms")
  void twoTabs() {
    second = ada.newTab("/");
    waitLive(ada);
    assertThat(ada.find("#who").getText()).as("the second tab shares the login").isEqualTo("Ada Lovelace");
    showView(ada, "all");
    ada.switchTo(first);
    showView(ada, "all");

    List<Long> latencies = new ArrayList<>();
    for (int round = 1; round <= 5; round++) {
      String title = "Round " + round + " task";
      String renamed = "Round " + round + " task, renamed";

      // create, in the first tab (quick add)
      watch(second, "return Array.from(document.querySelectorAll('#task-list .task-title'))"
        + ".some(b => b.textContent === " + quote(title) + ")");
      ada.switchTo(first);
      ada.find("#quick-title").sendKeys(title);
      latencies.add(clickAndMeasure(ada.find("#quick-add button[type=submit]"), second));
      String id = row(ada, title).getAttribute("data-task-id");

      // edit the title, in the second tab
      ada.switchTo(second);
      row(ada, title).findElement(org.openqa.selenium.By.cssSelector(".task-title")).click();
      type(ada.waitFor("#f-title"), renamed);
      watch(first, "const li = document.querySelector(\"#task-list .task[data-task-id='" + id + "']\");"
        + " return li !== null && li.querySelector('.task-title').textContent === " + quote(renamed));
      ada.switchTo(second);
      latencies.add(clickAndMeasure(ada.find("#f-save"), first));
      ada.switchTo(second);
      ada.waitUntil("the editor to close", "return !document.getElementById('editor').open");

      // complete, in the first tab
      watch(second, "const li = document.querySelector(\"#task-list .task[data-task-id='" + id + "']\");"
        + " return li !== null && li.dataset.status === 'completed'");
      ada.switchTo(first);
      latencies.add(clickAndMeasure(row(ada, renamed).findElement(org.openqa.selenium.By.cssSelector(".check")),
        second));

      // delete, in the second tab
      ada.switchTo(second);
      row(ada, renamed).findElement(org.openqa.selenium.By.cssSelector("[data-action=remove]")).click();
      ada.waitFor("#confirm-ok");
      watch(first, "return document.querySelector(\"#task-list .task[data-task-id='" + id + "']\") === null");
      ada.switchTo(second);
      latencies.add(clickAndMeasure(ada.find("#confirm-ok"), first));
    }

    List<Long> sorted = latencies.stream().sorted().toList();
    long p50 = sorted.get((int) Math.ceil(sorted.size() * 0.50) - 1);
    long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
    System.out.printf(Locale.ROOT, "Tab-to-tab latency over %d changes: p50 %d ms, p99 %d ms, max %d ms; all %s%n",
      latencies.size(), p50, p99, sorted.get(sorted.size() - 1), latencies);
    assertThat(latencies).hasSize(20).allSatisfy(ms -> assertThat(ms).isLessThan(LATENCY_LIMIT_MS));
  }

  /** Arms a MutationObserver in a tab that records when the condition (a script body) first holds. */
  void watch(String tab, String condition) {
    ada.switchTo(tab);
    ada.js("window.__landedAt = null;"
      + "const holds = () => { " + condition + " };"
      + "const observer = new MutationObserver(() => {"
      + "  if (window.__landedAt === null && holds()) { window.__landedAt = Date.now(); observer.disconnect(); }"
      + "});"
      + "observer.observe(document.getElementById('task-list'),"
      + "  {subtree: true, childList: true, attributes: true, characterData: true});");
  }

  /**
   * Clicks in the current tab, stamping the click with the page's clock, and waits for the watching tab's observer:
   * the time from the click to the change showing there (both tabs read the same clock).
   */
  long clickAndMeasure(WebElement button, String watching) {
    long clickedAt = ((Number) ada.js("window.__clickedAt = Date.now(); arguments[0].click();"
      + " return window.__clickedAt;", button)).longValue();
    ada.switchTo(watching);
    Number landedAt = ada.waitFor("the change to show in the other tab",
      d -> (Number) ada.js("return window.__landedAt"));
    return landedAt.longValue() - clickedAt;
  }

  static String quote(String text) {
    return new JsonArray().add(text).encode().replaceAll("^\\[|]$", "");
  }
}
