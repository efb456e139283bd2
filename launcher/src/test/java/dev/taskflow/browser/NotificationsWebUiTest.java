package dev.taskflow.browser;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.notifier.NotifierVerticle;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reminders outside the page's own toasts, in real Chromium: a fired reminder shows a toast with Snooze and, with
 * notifications allowed (granted through the DevTools protocol, as a user would in the prompt), a system notification
 * through the service worker, one per reminder (its tag). Web Push itself cannot be received here: headless Chromium
 * subscribes through Google's push service, which this machine cannot reach; the push path is tested against a local
 * push-service stand-in in the notifier ({@code PushDeliveryTest}).
 */
@DisplayName("The web UI: reminder notifications and Snooze")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotificationsWebUiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  Vertx vertx;
  JsonObject config;
  WebClient http;
  Browser browser;

  @BeforeAll
  void start() {
    config = db.config().put("auth.address.per.minute", 1000);
    vertx = TaskflowVertx.create();
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    await(vertx.deployVerticle(new NotifierVerticle(), options));
    await(vertx.deployVerticle(new RelayVerticle(), options));
    await(vertx.deployVerticle(new ApiVerticle(), options));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(config.getInteger("http.port")));
    browser = new Browser(baseUrl(), 1280, 900);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    await(vertx.close());
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  String baseUrl() {
    return "http://127.0.0.1:" + config.getInteger("http.port");
  }

  HttpResponse<Buffer> send(String token, HttpMethod method, String path, JsonObject body) {
    var request = http.request(method, path).putHeader("Authorization", "Bearer " + token);
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  void register() {
    browser.open("/");
    browser.waitFor("#show-register").click();
    browser.waitFor("#register-name").sendKeys("Remi");
    browser.find("#register-email").sendKeys("r-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
    browser.find("#register-password").sendKeys("correct horse battery");
    browser.find("#register-form button[type=submit]").click();
    browser.waitUntil("the live indicator to say live",
      "return document.getElementById('live').dataset.state === 'live'");
  }

  String token() {
    return new JsonObject((String) browser.js("return localStorage.getItem('taskflow.session')")).getString("token");
  }

  @Test
  @DisplayName("a reminder fires: a toast with Snooze and a system notification; Snooze 10 min makes it pending again "
    + "ten minutes on, and the toast goes")
  void snoozeFromTheToast() {
    browser.driver.executeCdpCommand("Browser.grantPermissions",
      Map.of("origin", baseUrl(), "permissions", List.of("notifications")));
    register();
    browser.waitUntil("the service worker to control the page's origin",
      "return navigator.serviceWorker.getRegistration().then(r => !!(r && r.active))");
    assertThat(browser.js("return Notification.permission")).isEqualTo("granted");
    String token = token();
    HttpResponse<Buffer> task = send(token, HttpMethod.POST, "/api/v1/tasks",
      new JsonObject().put("title", "Water the plants").put("dueAt", Instant.now().plus(Duration.ofHours(2)).toString()));
    assertThat(task.statusCode()).as(task.bodyAsString()).isEqualTo(201);
    String taskId = task.bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> added = send(token, HttpMethod.POST, "/api/v1/tasks/" + taskId + "/reminders",
      new JsonObject().put("at", Instant.now().plusSeconds(2).toString()));
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
    String reminderId = added.bodyAsJsonObject().getString("id");

    WebElement toast = browser.waitFor(".toast.reminder");
    assertThat(toast.getText()).contains("Reminder: Water the plants");
    browser.waitUntil("the system notification for the reminder", "return navigator.serviceWorker.ready"
      + ".then(r => r.getNotifications()).then(ns => ns.some(n => n.tag === arguments[0]"
      + " && n.title === 'Reminder: Water the plants' && n.actions.length === 2))", "reminder-" + reminderId);
    browser.screenshot("notification-toast");

    Instant before = Instant.now();
    toast.findElement(By.cssSelector("button.snooze[data-duration='PT10M']")).click();
    browser.waitUntil("the reminder toast to go", "return document.querySelectorAll('.toast.reminder').length === 0");

    JsonArray reminders = send(token, HttpMethod.GET, "/api/v1/tasks/" + taskId + "/reminders", null)
      .bodyAsJsonObject().getJsonArray("items");
    JsonObject reminder = reminders.stream().map(JsonObject.class::cast)
      .filter(r -> r.getString("id").equals(reminderId)).findFirst().orElseThrow();
    assertThat(reminder.getString("state")).isEqualTo("pending");
    assertThat(reminder.getInteger("snoozes")).isEqualTo(1);
    Instant fireAt = Instant.parse(reminder.getString("fireAt"));
    assertThat(fireAt).isBetween(before.plus(Duration.ofMinutes(10)).minusSeconds(5),
      Instant.now().plus(Duration.ofMinutes(10)).plusSeconds(5));
    assertThat(browser.find("#toasts-polite").getText()).contains("Snoozed until");

    // Log out first turns push off for this browser (none here: headless Chromium cannot subscribe), then signs out
    browser.find("#logout").click();
    browser.waitUntil("the login screen", "return !document.getElementById('auth').hidden");
  }
}
