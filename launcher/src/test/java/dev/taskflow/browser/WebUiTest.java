package dev.taskflow.browser;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.audit.AuditVerticle;
import dev.taskflow.core.kafka.TestKafka;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.notifier.NotifierVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.recurrence.RecurrenceVerticle;
import io.vertx.core.DeploymentOptions;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.taskflow.core.kafka.TestKafka.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI in headless Chromium against the whole server in one JVM (embedded PostgreSQL and Kafka, the audit,
 * recurrence, notifier and relay verticles and the API): two tabs of one user see each other's changes within half a
 * second, a second user sees nothing of the first, a reminder shows a toast, and a tab follows the server through a
 * restart.
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
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  Vertx vertx;
  JsonObject config;
  WebClient http;
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
    deployments.add(await(vertx.deployVerticle(new NotifierVerticle(), options)));
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

  /** An element's text as the DOM has it (a tab that is not in front is not laid out, so has no visible text). */
  String text(WebElement element) {
    return (String) ada.js("return arguments[0].textContent", element);
  }

  static boolean hasRow(Browser browser, String title) {
    return Boolean.TRUE.equals(browser.js("return Array.from(document.querySelectorAll('#task-list .task-title'))"
      + ".some(b => b.textContent === arguments[0])", title));
  }

  static void showView(Browser browser, String view) {
    browser.js("window.scrollTo(0, 0)");
    browser.find("#views .view[data-view='" + view + "']").click();
    browser.waitUntil("the view " + view, "return document.querySelector(\"#views [data-view='\" + arguments[0]"
      + " + \"']\").getAttribute('aria-pressed') === 'true' && document.getElementById('list-status').textContent"
      + " === ''", view);
  }

  static void type(WebElement input, String text) {
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    input.sendKeys(text);
  }

  /** A test that failed with a dialog open or in another view does not leave it in the next one's way. */
  @BeforeEach
  void closeDialogs() {
    for (Browser browser : new Browser[]{ada, bob}) {
      if (browser == null) {
        continue;
      }
      for (String tab : browser.driver.getWindowHandles()) {
        browser.switchTo(tab);
        browser.js("document.querySelectorAll('dialog[open]').forEach(dialog => dialog.close());"
          + " const shell = document.getElementById('shell');"
          + " const all = document.querySelector('#views [data-view=all]');"
          + " if (shell && !shell.hidden && all.getAttribute('aria-pressed') !== 'true') {"
          + "   all.click();"
          + " }");
      }
    }
    if (first != null) {
      ada.switchTo(first);
    }
  }

  // ---- tests ----

  @Test
  @Order(10)
  @DisplayName("a new user registers, logs out and logs in again")
  void registerAndLogIn() {
    ada.open("/");
    ada.waitFor("#login-email");
    screenshot("login");
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
  @Order(20)
  @DisplayName("two tabs of one user: each create, edit, completion and deletion shows in the other, typically within "
    + "500 ms")
  void twoTabs() {
    second = ada.newTab("/");
    waitLive(ada);
    assertThat(ada.find("#who").getText()).as("the second tab shares the login").isEqualTo("Ada Lovelace");
    showView(ada, "all");
    ada.switchTo(first);
    showView(ada, "all");

    // one change first, not measured: the first event after the server starts pays for warming up (the JIT, the
    // Kafka clients' first fetch of a fresh topic); the 20 measured ones are what a user meets from then on
    watch(second, "return Array.from(document.querySelectorAll('#task-list .task-title'))"
      + ".some(b => b.textContent === 'Warm-up')");
    ada.switchTo(first);
    ada.find("#quick-title").sendKeys("Warm-up", Keys.ENTER);
    ada.switchTo(second);
    ada.waitFor("the warm-up in the other tab", d -> (Number) ada.js("return window.__landedAt"));
    send(session(ada).getString("token"), HttpMethod.DELETE,
      "/api/v1/tasks/" + row(ada, "Warm-up").getAttribute("data-task-id"), null);
    ada.waitUntil("the warm-up gone", "return !Array.from(document.querySelectorAll('#task-list .task-title'))"
      + ".some(b => b.textContent === 'Warm-up')");

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
      row(ada, title).findElement(By.cssSelector(".task-title")).click();
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
      latencies.add(clickAndMeasure(row(ada, renamed).findElement(By.cssSelector(".check")),
        second));

      // delete, in the second tab
      ada.switchTo(second);
      row(ada, renamed).findElement(By.cssSelector("[data-action=remove]")).click();
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
    // every change showed (waitFor fails otherwise); the figures are printed above. Only the median is held to the
    // 500 ms the live view promises: one change in twenty meeting a loaded CI machine's pause must not fail the build
    assertThat(latencies).hasSize(20);
    assertThat(p50).as("median tab-to-tab latency, ms").isLessThan(LATENCY_LIMIT_MS);
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

  @Test
  @Order(30)
  @DisplayName("the editor: due date in a zone, weekly on chosen days with the next five dates, a bad rule's reason")
  void editorWithRecurrence() {
    String token = session(ada).getString("token");
    seedTasks(token);
    ada.switchTo(first);
    ada.find("#quick-title").sendKeys("Water the plants");
    ada.find("#new-task").click();
    assertThat(ada.waitFor("#f-title").getAttribute("value")).isEqualTo("Water the plants");
    ada.find("#f-description").sendKeys("The ferns on the balcony need more than the rest.");
    new Select(ada.find("#f-priority")).selectByValue("high");
    ada.find("#f-tags").sendKeys("home, garden");
    LocalDate monday = LocalDate.now(PARIS).with(TemporalAdjusters.next(DayOfWeek.MONDAY));
    setValue("#f-due-date", monday.toString());
    setValue("#f-due-time", "18:30");
    new Select(ada.find("#f-zone")).selectByValue("Europe/Paris");

    ada.find("#f-repeat-kinds input[value=weekly]").click();
    assertThat(ada.find("#f-weekdays input[value=MO]").isSelected()).as("the due date's weekday").isTrue();
    ada.find("#f-weekdays input[value=WE]").click();
    ada.find("#f-weekdays input[value=FR]").click();
    List<LocalDateTime> weekly = List.of(monday.atTime(18, 30), monday.plusDays(2).atTime(18, 30),
      monday.plusDays(4).atTime(18, 30), monday.plusDays(7).atTime(18, 30), monday.plusDays(9).atTime(18, 30));
    assertThat(previewDates(weekly)).as("Mon, Wed, Fri at 18:30 from the due date on").isEqualTo(weekly);

    // a rule that never occurs: the server's reason, as it gives it
    ada.find("#f-repeat-kinds input[value=custom]").click();
    assertThat(ada.find("#f-rrule").getAttribute("value")).isEqualTo("FREQ=WEEKLY;BYDAY=MO,WE,FR");
    type(ada.find("#f-rrule"), "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30");
    String reason = ada.waitFor("the preview's reason", d -> {
      String text = ada.find("#f-preview-error").getText();
      return text.isBlank() ? null : text;
    });
    assertThat(reason).isNotBlank();
    assertThat(ada.findAll("#f-preview-list li")).isEmpty();
    ada.find("#f-repeat-kinds input[value=weekly]").click();
    previewDates(weekly);

    WebElement hourBefore = ada.find("#f-presets input[value='-PT1H']");
    ada.waitFor("the reminder presets (they need a due date)", d -> hourBefore.isEnabled() ? true : null);
    hourBefore.click();
    ada.js("document.getElementById('f-repeat').scrollIntoView({block: 'center'})");
    screenshot("editor");
    ada.find("#f-save").click();
    ada.waitUntil("the editor to close", "return !document.getElementById('editor').open");

    ada.switchTo(second);
    WebElement row = row(ada, "Water the plants");
    assertThat(row.getAttribute("data-priority")).isEqualTo("high");
    assertThat(text(row)).contains("Repeats", "#home", "#garden");
    JsonObject task = send(token, HttpMethod.GET, "/api/v1/tasks/" + row.getAttribute("data-task-id"), null)
      .bodyAsJsonObject();
    assertThat(task.getString("timezone")).isEqualTo("Europe/Paris");
    assertThat(Instant.parse(task.getString("dueAt")))
      .isEqualTo(monday.atTime(18, 30).atZone(PARIS).toInstant());
    JsonObject series = send(token, HttpMethod.GET, "/api/v1/tasks/recurring", null).bodyAsJsonObject()
      .getJsonArray("items").getJsonObject(0);
    assertThat(series.getString("rrule")).isEqualTo("FREQ=WEEKLY;BYDAY=MO,WE,FR");
    assertThat(series.getString("anchor")).isEqualTo("schedule");
    assertThat(reminders(token, task.getString("id"))).singleElement()
      .satisfies(reminder -> assertThat(reminder.getString("offset")).isEqualTo("-PT1H"));

    ada.switchTo(first);
    showView(ada, "open");
    screenshot("list");
    showView(ada, "all");
  }

  /**
   * A screenshot of Ada's current tab, once what was just drawn has stopped moving, without the passing "Completed"
   * confirmations of earlier steps in front of it.
   */
  void screenshot(String name) {
    ada.js("document.querySelectorAll('#toasts-polite .toast.info').forEach(toast => toast.remove())");
    try {
      Thread.sleep(400);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ada.screenshot(name);
  }

  @Test
  @Order(35)
  @DisplayName("reminders in the editor: presets and a time of one's own are added, shown when it opens again, removed")
  void reminders() {
    String token = session(ada).getString("token");
    ada.switchTo(first);
    WebElement row = row(ada, "Water the plants");
    String id = row.getAttribute("data-task-id");
    row.findElement(By.cssSelector(".task-title")).click();
    ada.waitFor("the saved preset, checked", d -> ada.find("#f-presets input[value='-PT1H']").isSelected() ? true : null);
    ada.find("#f-presets input[value='-P1D']").click();
    // a time of one's own, read in the task's zone
    LocalDateTime at = LocalDate.now(PARIS).plusDays(2).atTime(8, 15);
    setValue("#f-remind-at", at.toString());
    ada.find("#f-remind-add").click();
    ada.waitUntil("the set time in the list", "return document.querySelectorAll('#f-remind-list li').length === 1");
    ada.find("#f-save").click();
    ada.waitUntil("the editor to close", "return !document.getElementById('editor').open");
    List<JsonObject> saved = reminders(token, id);
    assertThat(saved).extracting(reminder -> reminder.getString("offset"))
      .containsExactlyInAnyOrder("-PT1H", "-P1D", null);
    assertThat(saved).filteredOn(reminder -> reminder.getString("at") != null).singleElement()
      .satisfies(reminder -> assertThat(Instant.parse(reminder.getString("at")))
        .isEqualTo(at.atZone(PARIS).toInstant()));

    row(ada, "Water the plants").findElement(By.cssSelector(".task-title")).click();
    ada.waitFor("all three shown again", d -> ada.find("#f-presets input[value='-P1D']").isSelected()
      && ada.findAll("#f-remind-list li").size() == 1 ? true : null);
    ada.find("#f-presets input[value='-PT1H']").click();
    ada.find("#f-remind-list button").click();
    ada.find("#f-save").click();
    ada.waitUntil("the editor to close", "return !document.getElementById('editor').open");
    assertThat(reminders(token, id)).extracting(reminder -> reminder.getString("offset")).containsExactly("-P1D");
  }

  /** The rows titled {@code title}, as a script's expression ({@code arguments[0]} is the title). */
  static final String ROWS_TITLED = "Array.from(document.querySelectorAll('#task-list .task'))"
    + ".filter(li => li.querySelector('.task-title').textContent === arguments[0])";

  @Test
  @Order(36)
  @DisplayName("completing a repeating task, then Undo in the toast: one open copy remains, the spawned next one "
    + "leaves the list live")
  void undoCompletedRepeating() {
    String token = session(ada).getString("token");
    String title = "Take the bins out";
    Instant tomorrow = LocalDate.now(PARIS).plusDays(1).atTime(19, 0).atZone(PARIS).toInstant();
    JsonObject task = createTask(token, new JsonObject().put("title", title).put("dueAt", tomorrow.toString())
      .put("timezone", "Europe/Paris").put("recurrence", new JsonObject().put("rrule", "FREQ=DAILY")));
    String id = task.getString("id");
    ada.switchTo(first);
    showView(ada, "all");
    row(ada, title).findElement(By.cssSelector(".check")).click();
    ada.waitUntil("the spawned next instance in the list", "return " + ROWS_TITLED + ".length === 2", title);
    ada.find("#toasts-polite .toast.info .toast-actions button").click();
    ada.waitUntil("one open copy left, the reopened one", "const rows = " + ROWS_TITLED + ";"
      + " return rows.length === 1 && rows[0].dataset.taskId === arguments[1] && rows[0].dataset.status === 'open'",
      title, id);
    JsonArray instances = send(token, HttpMethod.GET, "/api/v1/tasks?seriesId=" + task.getString("seriesId"), null)
      .bodyAsJsonObject().getJsonArray("items");
    assertThat(instances).hasSize(1);
    assertThat(instances.getJsonObject(0).getString("id")).isEqualTo(id);
    assertThat(instances.getJsonObject(0).getString("status")).isEqualTo("open");
    removeTask(token, id);
  }

  @Test
  @Order(37)
  @DisplayName("changing a weekly rule from Monday to Tue/Thu in the editor moves the task's shown due date to the "
    + "Tuesday, in this tab and live in the other")
  void ruleChangeMovesDueDate() {
    String token = session(ada).getString("token");
    String title = "Team sync";
    LocalDate monday = LocalDate.now(PARIS).with(TemporalAdjusters.next(DayOfWeek.MONDAY));
    Instant mondayAt = monday.atTime(9, 0).atZone(PARIS).toInstant();
    Instant tuesdayAt = monday.plusDays(1).atTime(9, 0).atZone(PARIS).toInstant();
    String id = createTask(token, new JsonObject().put("title", title).put("dueAt", mondayAt.toString())
      .put("timezone", "Europe/Paris").put("recurrence", new JsonObject().put("rrule", "FREQ=WEEKLY;BYDAY=MO")))
      .getString("id");
    if (second == null) {
      second = ada.newTab("/");
      waitLive(ada);
    }
    ada.switchTo(second);
    row(ada, title);
    waitForDue(id, mondayAt);

    ada.switchTo(first);
    row(ada, title).findElement(By.cssSelector(".task-title")).click();
    ada.waitFor("the editor with the weekly rule on Monday", d ->
      ada.find("#f-repeat-kinds input[value=weekly]").isSelected()
        && ada.find("#f-weekdays input[value=MO]").isSelected() ? true : null);
    // Tuesday and Thursday first: with no day left the editor checks the due date's weekday again
    ada.find("#f-weekdays input[value=TU]").click();
    ada.find("#f-weekdays input[value=TH]").click();
    ada.find("#f-weekdays input[value=MO]").click();
    List<LocalDateTime> tueThu = List.of(monday.plusDays(1).atTime(9, 0), monday.plusDays(3).atTime(9, 0),
      monday.plusDays(8).atTime(9, 0), monday.plusDays(10).atTime(9, 0), monday.plusDays(15).atTime(9, 0));
    assertThat(previewDates(tueThu)).isEqualTo(tueThu);
    ada.find("#f-save").click();
    ada.waitUntil("the editor to close", "return !document.getElementById('editor').open");
    waitForDue(id, tuesdayAt);
    ada.switchTo(second);
    waitForDue(id, tuesdayAt);

    JsonObject moved = send(token, HttpMethod.GET, "/api/v1/tasks/" + id, null).bodyAsJsonObject();
    assertThat(Instant.parse(moved.getString("dueAt"))).isEqualTo(tuesdayAt);
    ada.switchTo(first);
    removeTask(token, id);
  }

  /** Deletes a task this test made (the views that follow count the rows) and waits for its row to leave the list. */
  void removeTask(String token, String id) {
    assertThat(send(token, HttpMethod.DELETE, "/api/v1/tasks/" + id, null).statusCode()).isEqualTo(204);
    ada.waitUntil("the task gone from the list", "return document.querySelector(\"#task-list .task[data-task-id='\""
      + " + arguments[0] + \"']\") === null", id);
  }

  /** The full due date the current tab's row of task {@code id} shows (its title), or null. */
  String dueTitle(String id) {
    return (String) ada.js("const li = document.querySelector(\"#task-list .task[data-task-id='\" + arguments[0]"
      + " + \"']\"); const due = li && li.querySelector('.meta.due'); return due ? due.title : null", id);
  }

  /** Waits until the current tab's row of task {@code id} shows the due date {@code at}. */
  void waitForDue(String id, Instant at) {
    String expected = (String) ada.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
      + " import('/js/time.js').then(time => done(time.full(arguments[0])));", at.toString())
      + " your time (";
    ada.waitFor("the row to show the due date " + expected, d -> {
      String shown = dueTitle(id);
      return shown != null && shown.startsWith(expected) ? true : null;
    });
  }

  List<JsonObject> reminders(String token, String taskId) {
    HttpResponse<Buffer> response = send(token, HttpMethod.GET, "/api/v1/tasks/" + taskId + "/reminders", null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    List<JsonObject> items = new ArrayList<>();
    response.bodyAsJsonObject().getJsonArray("items").forEach(item -> items.add((JsonObject) item));
    return items;
  }

  /** A few tasks of every kind, through the API, so the list looks like someone's. */
  void seedTasks(String token) {
    Instant now = Instant.now();
    createTask(token, new JsonObject().put("title", "Renew the passport").put("priority", "urgent")
      .put("tags", new JsonArray().add("admin")).put("dueAt", now.minus(26, ChronoUnit.HOURS).toString()));
    createTask(token, new JsonObject().put("title", "Call the plumber about the leak")
      .put("tags", new JsonArray().add("home")).put("dueAt", now.plus(2, ChronoUnit.HOURS).toString()));
    createTask(token, new JsonObject().put("title", "Draft the quarterly report").put("priority", "high")
      .put("description", "Numbers from finance, charts from Priya, and a page on what we learned.")
      .put("tags", new JsonArray().add("work")).put("dueAt", now.plus(10, ChronoUnit.DAYS).toString())
      .put("timezone", "Europe/Paris"));
    createTask(token, new JsonObject().put("title", "Buy a birthday present for Sam").put("priority", "low")
      .put("tags", new JsonArray().add("errands")));
    String done = createTask(token, new JsonObject().put("title", "Book the dentist")).getString("id");
    send(token, HttpMethod.POST, "/api/v1/tasks/" + done + "/complete", null);
    ada.switchTo(first);
    row(ada, "Book the dentist");
  }

  void setValue(String css, String value) {
    ada.js("const input = document.querySelector(arguments[0]); input.value = arguments[1];"
      + " input.dispatchEvent(new Event('input', {bubbles: true}));"
      + " input.dispatchEvent(new Event('change', {bubbles: true}));", css, value);
  }

  /**
   * Waits for the preview to show these dates (it follows the form with a short delay, so an earlier answer may be
   * there first) and returns what it shows: each {@code <time>} carries the wall-clock time it stands for.
   */
  @SuppressWarnings("unchecked")
  List<LocalDateTime> previewDates(List<LocalDateTime> expected) {
    List<LocalDateTime> shown = new ArrayList<>();
    try {
      ada.waitFor("the preview to show " + expected, d -> {
        shown.clear();
        ((List<String>) ada.js("return Array.from(document.querySelectorAll('#f-preview-list time'))"
          + ".map(time => time.getAttribute('datetime'))")).forEach(text -> shown.add(LocalDateTime.parse(text)));
        return shown.equals(expected) && ada.find("#f-preview-error").getText().isBlank() ? true : null;
      });
    } catch (RuntimeException e) {
      // the assertion below says what was shown instead
    }
    return shown;
  }

  @Test
  @Order(40)
  @DisplayName("the views, search and tags show what they say, also for changes that arrive live")
  void filters() {
    String token = session(ada).getString("token");
    ada.switchTo(first);
    showView(ada, "overdue");
    waitForTitles("the overdue view", "Renew the passport");
    showView(ada, "completed");
    waitForTitles("the completed view", "Book the dentist");
    showView(ada, "upcoming");
    // soonest first: the plants (next Monday, one to eight days away) always fall between the two others
    waitForTitles("the upcoming view", "Call the plumber about the leak", "Water the plants",
      "Draft the quarterly report");
    showView(ada, "today");
    List<String> today = new ArrayList<>();
    // due in two hours: today, unless that is after midnight where the browser is
    if (Boolean.TRUE.equals(ada.js("const due = new Date(Date.now() + 2 * 3600 * 1000 - 60 * 1000);"
      + " return due.toDateString() === new Date().toDateString()"))) {
      today.add("Call the plumber about the leak");
    }
    waitForTitles("the due-today view", today.toArray(String[]::new));

    showView(ada, "all");
    ada.find("#search").sendKeys("PLUMB");
    waitForTitles("a search in titles, any case", "Call the plumber about the leak");
    type(ada.find("#search"), "Priya");
    waitForTitles("a search in notes", "Draft the quarterly report");
    ada.find("#search").sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    ada.find("#tag-list .tag-filter[data-tag='home']").click();
    waitForTitles("the tag home", "Call the plumber about the leak", "Water the plants");
    assertThat(ada.find("#active-tag-name").getText()).isEqualTo("#home");
    ada.find("#clear-tag").click();
    ada.waitUntil("every tag again", "return document.getElementById('active-tag').hidden");

    // live changes go where they belong: an overdue one into the overdue view, a later one not
    showView(ada, "overdue");
    Instant now = Instant.now();
    createTask(token, new JsonObject().put("title", "Pay the parking fine")
      .put("dueAt", now.minus(1, ChronoUnit.HOURS).toString()));
    createTask(token, new JsonObject().put("title", "Plan the summer trip")
      .put("dueAt", now.plus(40, ChronoUnit.DAYS).toString()));
    waitForTitles("the overdue view, live", "Renew the passport", "Pay the parking fine");
    ada.switchTo(second);
    row(ada, "Plan the summer trip");
    ada.switchTo(first);
    assertThat(titles()).containsExactly("Renew the passport", "Pay the parking fine");
    showView(ada, "all");
  }

  /** The titles the list shows, top to bottom. */
  @SuppressWarnings("unchecked")
  List<String> titles() {
    return (List<String>) ada.js("return Array.from(document.querySelectorAll('#task-list .task-title'))"
      + ".map(title => title.textContent)");
  }

  void waitForTitles(String what, String... expected) {
    ada.waitFor(what + ": " + List.of(expected), d -> titles().equals(List.of(expected)) ? true : null);
  }

  @Test
  @Order(50)
  @DisplayName("a task's history: created, changed (with the old and new values), completed, reopened")
  void history() {
    String token = session(ada).getString("token");
    ada.switchTo(first);
    WebElement row = row(ada, "Draft the quarterly report");
    String id = row.getAttribute("data-task-id");
    row.findElement(By.cssSelector(".task-title")).click();
    type(ada.waitFor("#f-title"), "Draft the Q3 report");
    new Select(ada.find("#f-priority")).selectByValue("urgent");
    ada.find("#f-save").click();
    ada.waitUntil("the editor to close", "return !document.getElementById('editor').open");
    row(ada, "Draft the Q3 report").findElement(By.cssSelector(".check")).click();
    ada.waitUntil("completed", "return document.querySelector(\"[data-task-id='\" + arguments[0] + \"']\")"
      + ".dataset.status === 'completed'", id);
    row(ada, "Draft the Q3 report").findElement(By.cssSelector(".check")).click();
    ada.waitUntil("reopened", "return document.querySelector(\"[data-task-id='\" + arguments[0] + \"']\")"
      + ".dataset.status === 'open'", id);
    // the audit log is written a moment after each change
    ada.waitFor("four events in the audit log", d -> send(token, HttpMethod.GET, "/api/v1/tasks/" + id + "/events",
      null).bodyAsJsonObject().getJsonArray("items").size() == 4 ? Boolean.TRUE : null);

    WebElement historyButton = row(ada, "Draft the Q3 report").findElement(By.cssSelector("[data-action=history]"));
    historyButton.click();
    ada.waitUntil("four entries", "return document.querySelectorAll('#history-list > li').length === 4");
    List<String> entries = ada.findAll("#history-list > li").stream().map(WebElement::getText).toList();
    assertThat(entries.get(0)).startsWith("Created");
    assertThat(entries.get(1)).startsWith("Changed")
      .contains("Title: Draft the quarterly report → Draft the Q3 report", "Priority: high → urgent")
      .as("the due date was not touched (the form shows it to the minute)").doesNotContain("Due:");
    assertThat(entries.get(2)).startsWith("Completed");
    assertThat(entries.get(3)).startsWith("Reopened");
    screenshot("history");
    new Actions(ada.driver).sendKeys(Keys.ESCAPE).perform();
    ada.waitFor("the history to close, focus back on the button that opened it",
      d -> Boolean.TRUE.equals(ada.js("return !document.getElementById('history').open"
        + " && document.activeElement === arguments[0]", historyButton)) ? true : null);
  }

  @Test
  @Order(60)
  @DisplayName("a second user's tab shows none of the first user's tasks, and the bridge refuses them her address")
  void secondUser() {
    JsonObject adaSession = session(ada);
    String adaId = adaSession.getJsonObject("user").getString("id");
    bob = new Browser(baseUrl(), 1280, 900);
    bob.open("/");
    bob.waitFor("#show-register").click();
    bob.waitFor("#register-email").sendKeys(BOB);
    bob.find("#register-password").sendKeys(PASSWORD);
    bob.find("#register-password").sendKeys(Keys.ENTER);
    waitLive(bob);
    showView(bob, "all");
    bob.waitFor("#empty");
    assertThat(bob.findAll("#task-list .task")).isEmpty();
    assertThat(bob.find("#tag-list").getText()).isEmpty();

    createTask(adaSession.getString("token"), new JsonObject().put("title", "Ada's secret plan"));
    ada.switchTo(first);
    row(ada, "Ada's secret plan");
    String refused = (String) bob.driver.executeAsyncScript("""
      const done = arguments[arguments.length - 1];
      const token = JSON.parse(localStorage.getItem('taskflow.session')).token;
      const bus = new EventBus('/eventbus');
      bus.onerror = frame => done('refused: ' + frame.body);
      bus.onopen = () => bus.registerHandler('tasks.user.' + arguments[0], {Authorization: 'Bearer ' + token},
        (error, message) => done(error ? 'refused: ' + JSON.stringify(error) : 'received ' + JSON.stringify(message)));
      setTimeout(() => done('no answer'), 5000);
      """, adaId);
    assertThat(refused).startsWith("refused");
    assertThat(hasRow(bob, "Ada's secret plan")).isFalse();
    assertThat(bob.findAll("#task-list .task")).isEmpty();
  }

  @Test
  @Order(70)
  @DisplayName("a reminder that fires shows a toast in every tab of its user, and in no one else's")
  void reminderToast() {
    JsonObject adaSession = session(ada);
    String token = adaSession.getString("token");
    ada.switchTo(first);
    String taskId = row(ada, "Call the plumber about the leak").getAttribute("data-task-id");
    // a real reminder, two seconds ahead: the notifier fires it and delivers it on notifications.user.<id>
    var reminder = send(token, HttpMethod.POST, "/api/v1/tasks/" + taskId + "/reminders",
      new JsonObject().put("at", Instant.now().plusSeconds(2).toString()));
    assertThat(reminder.statusCode()).as(reminder.bodyAsString()).isEqualTo(201);

    WebElement toast = ada.waitFor(".toast.reminder");
    assertThat(toast.getText()).contains("Reminder: Call the plumber about the leak", "Due");
    screenshot("toast");
    ada.switchTo(second);
    ada.waitUntil("the toast in the other tab", "const toast = document.querySelector('.toast.reminder');"
      + " return toast !== null && toast.textContent.includes('Reminder: Call the plumber about the leak')");
    assertThat(bob.findAll(".toast.reminder")).isEmpty();

    // dismissed by keyboard
    ada.switchTo(first);
    toast.findElement(By.cssSelector("button[aria-label^='Dismiss']")).sendKeys(Keys.ENTER);
    ada.waitUntil("the toast to go", "return document.querySelectorAll('.toast.reminder').length === 0");
  }

  @Test
  @Order(80)
  @DisplayName("at phone width the list and the views fit the screen")
  void phone() {
    ada.switchTo(first);
    ada.resize(390, 844);
    try {
      showView(ada, "open");
      assertThat(((Number) ada.js("return document.documentElement.scrollWidth")).intValue())
        .as("nothing wider than the screen").isLessThanOrEqualTo(((Number) ada.js("return window.innerWidth"))
          .intValue());
      screenshot("phone");
    } finally {
      ada.resize(1280, 900);
      showView(ada, "all");
    }
  }

  @Test
  @Order(90)
  @DisplayName("by keyboard: add, open, close with Escape back to where it was, complete with Space; all labelled")
  void keyboard() {
    ada.switchTo(first);
    ada.js("document.activeElement.blur()");
    Actions keys = new Actions(ada.driver);
    keys.sendKeys("n").perform();
    assertThat(ada.js("return document.activeElement.id")).isEqualTo("quick-title");
    keys.sendKeys("Pay the electricity bill").sendKeys(Keys.ENTER).perform();
    WebElement title = row(ada, "Pay the electricity bill").findElement(By.cssSelector(".task-title"));
    ada.js("arguments[0].focus()", title);
    assertThat(ada.js("return getComputedStyle(document.activeElement).outlineStyle")).isNotEqualTo("none");
    keys.sendKeys(Keys.ENTER).perform();
    ada.waitUntil("the editor", "return document.getElementById('editor').open");
    assertThat(ada.js("return document.activeElement.id")).isEqualTo("f-title");
    keys.sendKeys(Keys.ESCAPE).perform();
    // focus goes back when the dialog's close event has run, a moment after it closed
    ada.waitFor("focus back on the title that opened the editor",
      d -> Boolean.TRUE.equals(ada.js("return !document.getElementById('editor').open"
        + " && document.activeElement === arguments[0]", title)) ? true : null);
    keys.keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
    ada.waitUntil("Shift+Tab to reach the row's checkbox",
      "return document.activeElement.classList.contains('check')"
        + " && document.activeElement.closest('.task').contains(arguments[0])", title);
    keys.sendKeys(Keys.SPACE).perform();
    ada.waitUntil("completed by Space", "return Array.from(document.querySelectorAll('#task-list .task'))"
      + ".some(li => li.dataset.status === 'completed'"
      + " && li.querySelector('.task-title').textContent === 'Pay the electricity bill')");

    @SuppressWarnings("unchecked")
    List<String> problems = (List<String>) ada.js("""
      const problems = [];
      for (const el of document.querySelectorAll('input, select, textarea')) {
        if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')) {
          problems.push('no label: ' + el.outerHTML.slice(0, 100));
        }
      }
      for (const b of document.querySelectorAll('button')) {
        if (!(b.getAttribute('aria-label') || b.textContent).trim()) {
          problems.push('no name: ' + b.outerHTML.slice(0, 100));
        }
      }
      for (const id of ['live-text', 'toasts-polite']) {
        if (!document.getElementById(id).getAttribute('aria-live')) {
          problems.push('not live: ' + id);
        }
      }
      return problems;
      """);
    assertThat(problems).isEmpty();
  }

  @Test
  @Order(100)
  @DisplayName("through a server restart: the indicator goes offline and back, and a task made meanwhile shows")
  void serverRestart() {
    String token = session(ada).getString("token");
    ada.switchTo(first);
    ada.js("""
      window.__sameDocument = true;
      window.__states = [];
      performance.clearResourceTimings();
      const live = document.getElementById('live');
      new MutationObserver(() => {
        const last = window.__states[window.__states.length - 1];
        if (!last || last.state !== live.dataset.state) {
          window.__states.push({state: live.dataset.state, at: Date.now()});
        }
      }).observe(live, {attributes: true, attributeFilter: ['data-state']});
      """);

    stopServer();
    ada.waitUntil("the indicator to go offline", "return document.getElementById('live').dataset.state === 'offline'");
    // between two attempts to reconnect that are far enough apart to restart the server and make a change
    ada.waitFor("a wait of 3.5 s before the next attempt", d -> Boolean.TRUE.equals(ada.js(
      "const live = document.getElementById('live');"
        + " return live.dataset.state === 'offline' && Number(live.dataset.retryAt) - Date.now() > 3500")) ? true : null);
    startServer();
    String title = "Made while the tab was away";
    createTask(token, new JsonObject().put("title", title));
    long createdAt = System.currentTimeMillis();
    assertThat(ada.js("return document.getElementById('live').dataset.state"))
      .as("the tab has not reconnected yet").isEqualTo("offline");

    row(ada, title);
    waitLive(ada);
    assertThat(ada.js("return window.__sameDocument")).as("no reload").isEqualTo(true);
    assertThat(ada.js("return performance.getEntriesByType('resource')"
      + ".some(entry => /\\/api\\/v1\\/events\\?afterSequence=[1-9]/.test(entry.name))"))
      .as("it caught up from the last sequence it had applied").isEqualTo(true);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> states = (List<Map<String, Object>>) ada.js("return window.__states");
    assertThat(states.get(0).get("state")).isEqualTo("offline");
    assertThat(states.get(states.size() - 1).get("state")).isEqualTo("live");
    assertThat(states.stream().filter(s -> "live".equals(s.get("state"))).toList())
      .singleElement()
      .satisfies(s -> assertThat(((Number) s.get("at")).longValue()).isGreaterThan(createdAt));
    ada.switchTo(second);
    row(ada, title);
    waitLive(ada);
  }

  @Test
  @Order(110)
  @DisplayName("logging out in one tab logs out the other")
  void logOutEverywhere() {
    ada.switchTo(first);
    ada.find("#logout").click();
    ada.waitFor("#login-email");
    ada.switchTo(second);
    ada.waitUntil("the other tab to show the login", "return !document.getElementById('auth').hidden"
      + " && document.getElementById('shell').hidden");
    assertThat(ada.js("return localStorage.getItem('taskflow.session')")).isNull();
  }

  static String quote(String text) {
    return new JsonArray().add(text).encode().replaceAll("^\\[|]$", "");
  }
}
