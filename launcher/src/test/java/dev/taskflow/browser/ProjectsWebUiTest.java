package dev.taskflow.browser;

import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Projects in real Chromium, two people in two browsers: a project made and shared in the page shows up live in the
 * other person's open tab with its tasks, changes flow both ways live, and removing the member takes the project and
 * its tasks out of that tab at once and for good; a viewer gets no control that would change a task, and a write
 * that raced a demotion shows the API's reason. Screenshots go to {@code target/screenshots/}.
 */
@DisplayName("The web UI: projects, shared live")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectsWebUiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  UiServer server;
  Browser ada;
  Browser bob;

  @BeforeAll
  void start() {
    server = new UiServer(db.config());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @BeforeEach
  void newBrowsers() {
    ada = new Browser(server.baseUrl(), 1280, 900);
    bob = new Browser(server.baseUrl(), 1280, 900);
  }

  @AfterEach
  void closeBrowsers() {
    ada.close();
    bob.close();
  }

  // ---- the API, as the test's own client ----

  JsonObject me(String token) {
    return server.api(token, "GET", "/me", null).getJsonObject("body");
  }

  JsonObject ok(JsonObject answer, int status) {
    assertThat(answer.getInteger("status")).as(answer.encode()).isEqualTo(status);
    return answer.getJsonObject("body");
  }

  JsonObject projectNamed(String token, String name) {
    JsonArray items = ok(server.api(token, "GET", "/projects", null), 200).getJsonArray("items");
    for (int i = 0; i < items.size(); i++) {
      if (items.getJsonObject(i).getString("name").equals(name)) {
        return items.getJsonObject(i);
      }
    }
    throw new AssertionError("no project " + name + " in " + items.encode());
  }

  JsonObject taskTitled(String token, String projectId, String title) {
    JsonArray items = ok(server.api(token, "GET", "/tasks?projectId=" + projectId, null), 200).getJsonArray("items");
    for (int i = 0; i < items.size(); i++) {
      if (items.getJsonObject(i).getString("title").equals(title)) {
        return items.getJsonObject(i);
      }
    }
    throw new AssertionError("no task " + title + " in " + items.encode());
  }

  // ---- the page ----

  /** The row of the task with this title (waits for it). */
  static WebElement row(Browser browser, String title) {
    return browser.waitFor("the row of " + title, d -> {
      for (WebElement li : browser.findAll("#task-list .task")) {
        if (li.findElement(By.cssSelector(".task-title")).getText().equals(title)) {
          return li;
        }
      }
      return null;
    });
  }

  static boolean hasRow(Browser browser, String title) {
    return Boolean.TRUE.equals(browser.js("return Array.from(document.querySelectorAll('#task-list .task-title'))"
      + ".some(t => t.textContent === arguments[0])", title));
  }

  /** The sidebar button of the project with this name (waits for it). */
  static WebElement project(Browser browser, String name) {
    return browser.waitFor("the project " + name + " in the sidebar", d -> {
      for (WebElement button : browser.findAll("#project-list .project")) {
        if (button.findElement(By.cssSelector(".project-name")).getText().equals(name)) {
          return button;
        }
      }
      return null;
    });
  }

  static boolean hasProject(Browser browser, String name) {
    return Boolean.TRUE.equals(browser.js("return Array.from(document.querySelectorAll('#project-list .project-name'))"
      + ".some(t => t.textContent === arguments[0])", name));
  }

  static void select(Browser browser, String name) {
    project(browser, name).click();
    browser.waitFor("the project " + name + " selected", d -> "true".equals(project(browser, name)
      .getAttribute("aria-pressed")) ? true : null);
  }

  static void quickAdd(Browser browser, String title) {
    browser.find("#quick-title").sendKeys(title, Keys.ENTER);
    row(browser, title);
  }

  static void closeDialog(Browser browser, String id) {
    browser.find("#" + id + " .dialog-foot [data-close]").click();
    browser.waitUntil("the dialog " + id + " closed", "return !document.getElementById(arguments[0]).open", id);
  }

  @Test
  @DisplayName("a project shared in the Share dialog shows up live in the other tab; removing the member drops it there")
  void sharedLiveAndCutOff() {
    String adaToken = server.register(ada);
    String bobToken = server.register(bob);
    JsonObject bobUser = me(bobToken);
    String bobId = bobUser.getString("id");

    // Ada makes "Trip" in the page: it is selected, and her quick add goes into it
    ada.find("#project-new").click();
    ada.waitFor("#project-name").sendKeys("Trip", Keys.ENTER);
    select(ada, "Trip");
    String tripId = projectNamed(adaToken, "Trip").getString("id");
    assertThat(project(ada, "Trip").getAttribute("data-shared")).isEqualTo("false");
    quickAdd(ada, "Book the flights");
    assertThat(taskTitled(adaToken, tripId, "Book the flights").getString("projectId")).isEqualTo(tripId);

    // she shares it with Bob as an editor, in the Share dialog
    ada.find("#project-share").click();
    ada.waitFor("#share-email").sendKeys(bobUser.getString("email"));
    new Select(ada.find("#share-role")).selectByValue("editor");
    ada.find("#share-add").click();
    ada.waitUntil("Bob listed as an editor", "return Array.from(document.querySelectorAll('#share-members .member'))"
      + ".some(li => li.dataset.userId === arguments[0] && li.dataset.role === 'editor')", bobId);
    ada.screenshot("projects-share-dialog");
    closeDialog(ada, "share-dialog");
    ada.waitFor("Ada's Trip marked shared", d -> "true".equals(project(ada, "Trip").getAttribute("data-shared"))
      ? true : null);

    // Bob's tab, open all along: Trip appears with its marker and Ada's task, without a reload
    assertThat(project(bob, "Trip").getAttribute("data-shared")).isEqualTo("true");
    row(bob, "Book the flights");
    select(bob, "Trip");
    row(bob, "Book the flights");
    assertThat(bob.find("#view-project").getText()).isEqualTo("Trip");

    // Bob adds a task in Trip: Ada's tab shows it live
    quickAdd(bob, "Pack the bags");
    assertThat(taskTitled(adaToken, tripId, "Pack the bags").getString("projectId")).isEqualTo(tripId);
    row(ada, "Pack the bags");
    bob.screenshot("projects-shared-bob");

    // Ada removes Bob: his tab drops the project and both its tasks at once
    ada.find("#project-share").click();
    WebElement remove = ada.waitFor("Bob's Remove button", d -> ada.findAll("#share-members .member").stream()
      .filter(li -> bobId.equals(li.getAttribute("data-user-id")))
      .flatMap(li -> li.findElements(By.cssSelector("button.member-remove")).stream()).findFirst().orElse(null));
    long removedAt = System.currentTimeMillis();
    remove.click();
    bob.waitFor("Trip and its tasks gone from Bob's tab", d -> !hasProject(bob, "Trip")
      && !hasRow(bob, "Book the flights") && !hasRow(bob, "Pack the bags") ? true : null);
    long dropMs = System.currentTimeMillis() - removedAt;
    // a figure, not a bound: the bridge's revocation drops it, before the removal's event has gone round the broker
    System.out.printf(java.util.Locale.ROOT, "A removed member's tab dropped the project %d ms after the click%n",
      dropMs);
    assertThat(bob.find("#view-project").getText()).as("back to every project").isEqualTo("All projects");
    ada.waitUntil("Bob gone from the members", "return !Array.from(document.querySelectorAll('#share-members .member'))"
      + ".some(li => li.dataset.userId === arguments[0])", bobId);
    closeDialog(ada, "share-dialog");
    assertThat(ok(server.api(bobToken, "GET", "/tasks?projectId=" + tripId, null), 404)).isNotNull();

    // a task Ada adds in Trip afterwards never reaches Bob's tab, which is live again (its own task shows)
    quickAdd(ada, "Rent a car");
    UiServer.waitLive(bob);
    server.createTask(bobToken, new JsonObject().put("title", "Water the plants"));
    row(bob, "Water the plants");
    assertThat(hasRow(bob, "Rent a car")).isFalse();
    assertThat(hasProject(bob, "Trip")).isFalse();
    bob.screenshot("projects-cut-off-bob");
    ada.screenshot("projects-shared-ada");
  }

  @Test
  @DisplayName("a viewer sees a shared project's tasks without any control that changes them; a demoted write shows why")
  void viewerCannotChange() {
    String adaToken = server.register(ada);
    String bobToken = server.register(bob);
    JsonObject bobUser = me(bobToken);
    String bobId = bobUser.getString("id");
    String recipes = ok(server.api(adaToken, "POST", "/projects", new JsonObject().put("name", "Recipes")), 201)
      .getString("id");
    server.createTask(adaToken, new JsonObject().put("title", "Soup").put("projectId", recipes));
    server.createTask(adaToken, new JsonObject().put("title", "Bread").put("projectId", recipes));
    ok(server.api(adaToken, "POST", "/projects/" + recipes + "/members",
      new JsonObject().put("email", bobUser.getString("email")).put("role", "viewer")), 201);

    select(bob, "Recipes");
    for (String view : List.of("open", "manual")) {
      bob.find("#views .view[data-view='" + view + "']").click();
      for (String title : List.of("Soup", "Bread")) {
        WebElement li = row(bob, title);
        assertThat(li.getAttribute("class")).contains("read-only");
        assertThat(li.getAttribute("draggable")).as("no drag in " + view).isEqualTo("false");
        assertThat(li.findElements(By.cssSelector(".check, [data-action=remove], [data-action=addSubtask]")))
          .as("no complete, delete or add-subtask control in " + view).isEmpty();
      }
    }
    assertThat(bob.find("#quick-add").isDisplayed()).as("no quick add").isFalse();
    assertThat(bob.find("#read-only-note").getText()).contains("viewer");
    assertThat(bob.find("#project-share").getText()).isEqualTo("Members…");
    assertThat(bob.find("#project-rename").isDisplayed()).isFalse();
    assertThat(bob.find("#project-delete").isDisplayed()).isFalse();

    // the title opens the task to read only
    row(bob, "Soup").findElement(By.cssSelector(".task-title")).click();
    bob.waitFor("#editor");
    assertThat(bob.find("#f-title").isEnabled()).isFalse();
    assertThat(bob.find("#f-save").isDisplayed()).isFalse();
    bob.screenshot("projects-viewer");
    closeDialog(bob, "editor");

    // made an editor, Bob gets the controls live; demoted while editing, his save shows the API's reason
    ok(server.api(adaToken, "PATCH", "/projects/" + recipes + "/members/" + bobId,
      new JsonObject().put("role", "editor")), 200);
    bob.waitFor("Soup's check, live", d -> row(bob, "Soup").findElements(By.cssSelector(".check")).isEmpty() ? null : true);
    assertThat(bob.find("#quick-add").isDisplayed()).isTrue();
    row(bob, "Soup").findElement(By.cssSelector(".task-title")).click();
    bob.waitFor("#editor");
    ok(server.api(adaToken, "PATCH", "/projects/" + recipes + "/members/" + bobId,
      new JsonObject().put("role", "viewer")), 200);
    bob.waitFor("Bread read-only again, live", d -> row(bob, "Bread").findElements(By.cssSelector(".check")).isEmpty()
      ? true : null);
    bob.find("#f-title").sendKeys(" with leeks");
    bob.find("#f-save").click();
    bob.waitFor("the API's 403 reason in the editor", d -> bob.find("#editor-error").getText().contains("viewer")
      ? true : null);
    assertThat(taskTitled(adaToken, recipes, "Soup").getString("title")).isEqualTo("Soup");
    closeDialog(bob, "editor");

    // at phone width the projects are a select
    bob.find("#views .view[data-view='open']").click();
    bob.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
      Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
    try {
      bob.waitFor("#project-select");
      assertThat(bob.find("#project-list").isDisplayed()).isFalse();
      new Select(bob.find("#project-select")).selectByVisibleText("All projects");
      bob.waitUntil("every project", "return document.getElementById('view-project').textContent === 'All projects'");
      row(bob, "Soup");
      assertThat(bob.js("return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);
      bob.screenshot("projects-phone");
    } finally {
      bob.driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }
}
