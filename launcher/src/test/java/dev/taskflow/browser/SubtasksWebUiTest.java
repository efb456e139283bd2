package dev.taskflow.browser;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subtasks and the manual order, in real Chromium: subtasks added from their parent's row show under it (and
 * collapse), and the "My order" view is reordered by keyboard (Alt+ArrowUp/Down) and by drag and drop (a dispatched
 * HTML5 drag sequence: chromedriver's Actions do not drive native drag and drop), live in a second tab and after a
 * reload.
 */
@DisplayName("The web UI: subtasks and manual order")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubtasksWebUiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  static final String PASSWORD = "correct horse battery";

  Vertx vertx;
  JsonObject config;
  Browser browser;

  @BeforeAll
  void start() {
    config = db.config().put("auth.address.per.minute", 1000);
    vertx = TaskflowVertx.create();
    DeploymentOptions options = new DeploymentOptions().setConfig(config);
    await(vertx.deployVerticle(new RelayVerticle(), options));
    await(vertx.deployVerticle(new ApiVerticle(), options));
  }

  @AfterAll
  void stop() {
    await(vertx.close());
  }

  @BeforeEach
  void newBrowser() {
    browser = new Browser("http://127.0.0.1:" + config.getInteger("http.port"), 1280, 900);
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
    browser = null;
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  void register() {
    browser.open("/");
    browser.waitFor("#show-register").click();
    browser.waitFor("#register-name").sendKeys("Grace");
    browser.find("#register-email").sendKeys("u-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
    browser.find("#register-password").sendKeys(PASSWORD);
    browser.find("#register-form button[type=submit]").click();
    waitLive();
  }

  void waitLive() {
    browser.waitUntil("the live indicator to say live",
      "return document.getElementById('live').dataset.state === 'live'");
  }

  void quickAdd(String title) {
    browser.find("#quick-title").sendKeys(title, Keys.ENTER);
    row(title);
  }

  /** The row of the task with this title (waits for it). */
  WebElement row(String title) {
    return browser.waitFor("the row of " + title, d -> {
      for (WebElement li : browser.findAll("#task-list .task")) {
        if (li.findElement(org.openqa.selenium.By.cssSelector(".task-title")).getText().equals(title)) {
          return li;
        }
      }
      return null;
    });
  }

  @SuppressWarnings("unchecked")
  List<String> titles() {
    return (List<String>) browser.js("return Array.from(document.querySelectorAll('#task-list .task-title'))"
      + ".map(t => t.textContent)");
  }

  void waitForTitles(String what, String... expected) {
    browser.waitFor(what + ": " + List.of(expected), d -> titles().equals(List.of(expected)) ? true : null);
  }

  void showView(String view) {
    browser.find("#views .view[data-view='" + view + "']").click();
    browser.waitUntil("the " + view + " view", "return document.querySelector(\"#views .view[data-view='\" + arguments[0]"
      + " + \"']\").getAttribute('aria-pressed') === 'true'", view);
  }

  /** Drags the row titled `dragged` onto the lower (after) or upper (before) half of the row titled `target`. */
  void drag(String dragged, String target, boolean after) {
    browser.js("""
      const [from, to, after] = arguments;
      const rows = Array.from(document.querySelectorAll('#task-list .task'));
      const find = title => rows.find(li => li.querySelector('.task-title').textContent === title);
      const source = find(from), goal = find(to);
      const box = goal.getBoundingClientRect();
      const y = after ? box.bottom - 3 : box.top + 3;
      const data = new DataTransfer();
      const fire = (el, type) => el.dispatchEvent(new DragEvent(type, {
        bubbles: true, cancelable: true, dataTransfer: data, clientX: box.left + 20, clientY: y }));
      fire(source, 'dragstart');
      fire(goal, 'dragenter');
      fire(goal, 'dragover');
      fire(goal, 'drop');
      fire(source, 'dragend');
      """, dragged, target, after);
  }

  @Test
  @DisplayName("subtasks added from the row show indented under their parent, collapse, and one is completed")
  void subtasks() {
    register();
    quickAdd("Plan the party");
    quickAdd("Buy a present");
    WebElement party = row("Plan the party");
    String partyId = party.getAttribute("data-task-id");
    party.findElement(org.openqa.selenium.By.cssSelector("button[data-action=addSubtask]")).click();
    browser.waitFor("#subtask-title").sendKeys("Order the cake", Keys.ENTER);
    browser.waitUntil("the first subtask added", "return document.getElementById('subtask-title').value === ''");
    row("Order the cake");
    browser.find("#subtask-title").sendKeys("Send the invitations", Keys.ENTER);
    row("Send the invitations");
    browser.find("#subtask-dialog [data-close]").click();

    waitForTitles("the subtasks under their parent, in the order added", "Buy a present", "Plan the party",
      "Order the cake", "Send the invitations");
    for (String title : List.of("Order the cake", "Send the invitations")) {
      WebElement sub = row(title);
      assertThat(sub.getAttribute("class")).contains("subtask");
      assertThat(sub.getAttribute("data-parent-id")).isEqualTo(partyId);
      assertThat(sub.getRect().getX()).as("indented").isGreaterThan(row("Plan the party").getRect().getX());
    }
    browser.waitUntil("the parent counts 0 of 2 done", "return document.querySelector(\"#task-list .task[data-task-id='\""
      + " + arguments[0] + \"'] .subtask-count\").textContent === '0/2'", partyId);

    // a second tab sees the subtask completed, live
    String first = browser.tab();
    String second = browser.newTab("/");
    waitLive();
    row("Order the cake");
    browser.switchTo(first);
    row("Order the cake").findElement(org.openqa.selenium.By.cssSelector(".check")).click();
    waitForTitles("the completed subtask gone from Open", "Buy a present", "Plan the party", "Send the invitations");
    browser.waitUntil("the parent counts 1 of 2 done", "return document.querySelector(\"#task-list .task[data-task-id='\""
      + " + arguments[0] + \"'] .subtask-count\").textContent === '1/2'", partyId);
    browser.switchTo(second);
    waitForTitles("the other tab, live", "Buy a present", "Plan the party", "Send the invitations");
    browser.switchTo(first);

    // collapse and expand
    row("Plan the party").findElement(org.openqa.selenium.By.cssSelector("button[data-action=collapse]")).click();
    waitForTitles("collapsed", "Buy a present", "Plan the party");
    assertThat(browser.find("#task-list .task[data-task-id='" + partyId + "'] .expander").getAttribute("aria-expanded"))
      .isEqualTo("false");
    browser.find("#task-list .task[data-task-id='" + partyId + "'] .expander").click();
    waitForTitles("expanded", "Buy a present", "Plan the party", "Send the invitations");
  }

  @Test
  @DisplayName("My order is reordered by Alt+Arrow keys and by drag, keeps focus, shows in a second tab and after reload")
  void ordering() {
    register();
    quickAdd("Alpha");
    quickAdd("Bravo");
    quickAdd("Charlie");
    showView("manual");
    waitForTitles("newest first", "Charlie", "Bravo", "Alpha");

    WebElement alpha = row("Alpha").findElement(org.openqa.selenium.By.cssSelector(".task-title"));
    alpha.sendKeys(Keys.chord(Keys.ALT, Keys.ARROW_UP));
    waitForTitles("Alpha moved up by keyboard", "Charlie", "Alpha", "Bravo");
    assertThat(browser.js("return document.activeElement.closest('.task').querySelector('.task-title').textContent"))
      .as("the moved row keeps focus").isEqualTo("Alpha");
    browser.driver.switchTo().activeElement().sendKeys(Keys.chord(Keys.ALT, Keys.ARROW_UP));
    waitForTitles("Alpha moved to the top", "Alpha", "Charlie", "Bravo");

    drag("Charlie", "Bravo", true);
    waitForTitles("Charlie dragged below Bravo", "Alpha", "Bravo", "Charlie");

    String first = browser.tab();
    String second = browser.newTab("/");
    waitLive();
    showView("manual");
    waitForTitles("the second tab, loaded", "Alpha", "Bravo", "Charlie");
    browser.switchTo(first);
    drag("Alpha", "Charlie", false);
    waitForTitles("Alpha dragged above Charlie", "Bravo", "Alpha", "Charlie");
    browser.switchTo(second);
    waitForTitles("the second tab, live", "Bravo", "Alpha", "Charlie");

    browser.switchTo(first);
    browser.open("/");
    waitLive();
    showView("manual");
    waitForTitles("after a reload", "Bravo", "Alpha", "Charlie");
  }
}
