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
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The smaller items of issue 14, in real Chromium: Space on a focused row completes it, the arrow keys move between
 * rows, reminder toasts leave the last rows' buttons reachable, the due date's tooltip says which zone its time is
 * in, and at phone width the account name, every view and the tags are on the screen.
 */
@DisplayName("The web UI: keyboard on rows, toasts, the zone tooltip and phone width")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyboardAndLayoutWebUiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  UiServer server;
  Browser browser;

  @BeforeAll
  void start() {
    server = new UiServer(db.config());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @BeforeEach
  void newBrowser() {
    browser = new Browser(server.baseUrl(), 1280, 900);
    UiServer.zone(browser, "Europe/Paris");
  }

  @AfterEach
  void closeBrowser() {
    browser.close();
  }

  /** Creates tasks through the API and waits until the page lists them all. */
  void seed(String token, JsonObject... tasks) {
    for (JsonObject task : tasks) {
      server.createTask(token, task);
    }
    browser.waitUntil(tasks.length + " rows", "return document.querySelectorAll('#task-list .task').length === "
      + "arguments[0]", tasks.length);
  }

  static JsonObject task(String title) {
    return new JsonObject().put("title", title);
  }

  Object rowIndexOfFocus() {
    return browser.js("const li = document.activeElement.closest('#task-list .task');"
      + " return li ? Array.from(document.querySelectorAll('#task-list .task')).indexOf(li) : -1");
  }

  @Test
  @DisplayName("Space on a focused row's title completes that task (and does not open the editor)")
  void spaceCompletesFocusedRow() {
    String token = server.register(browser);
    browser.find("#views .view[data-view='all']").click();
    seed(token, task("Water the plants"), task("Feed the cat"), task("Take out the bins"));
    String title = (String) browser.js("const t = document.querySelectorAll('#task-list .task-title')[1];"
      + " t.focus(); return t.textContent");
    new Actions(browser.driver).sendKeys(Keys.SPACE).perform();

    browser.waitUntil("the focused row completed", "return Array.from(document.querySelectorAll('#task-list .task'))"
      + ".some(li => li.dataset.status === 'completed' && li.querySelector('.task-title').textContent === arguments[0])",
      title);
    assertThat(browser.js("return document.getElementById('editor').open")).isEqualTo(false);
    assertThat(browser.js("return document.querySelectorAll('#task-list .task[data-status=completed]').length"))
      .isEqualTo(1L);
    JsonArray items = server.api(token, "GET", "/tasks?status=completed", null).getJsonObject("body")
      .getJsonArray("items");
    assertThat(items).hasSize(1);
    assertThat(items.getJsonObject(0).getString("title")).isEqualTo(title);
  }

  @Test
  @DisplayName("ArrowDown and ArrowUp move focus to the same control of the next and previous row, and stop at the ends")
  void arrowsMoveBetweenRows() {
    String token = server.register(browser);
    seed(token, task("One"), task("Two"), task("Three"));
    browser.js("document.querySelector('#task-list .task-title').focus()");
    Actions keys = new Actions(browser.driver);

    keys.sendKeys(Keys.ARROW_DOWN).perform();
    assertThat(rowIndexOfFocus()).isEqualTo(1L);
    keys.sendKeys(Keys.ARROW_DOWN).perform();
    assertThat(rowIndexOfFocus()).isEqualTo(2L);
    keys.sendKeys(Keys.ARROW_DOWN).perform();
    assertThat(rowIndexOfFocus()).as("the last row keeps focus").isEqualTo(2L);
    keys.sendKeys(Keys.ARROW_UP).perform();
    assertThat(rowIndexOfFocus()).isEqualTo(1L);
    assertThat(browser.js("return document.activeElement.classList.contains('task-title')")).isEqualTo(true);

    // from a row's checkbox to the next row's checkbox
    browser.js("document.querySelector('#task-list .task .check').focus()");
    keys.sendKeys(Keys.ARROW_DOWN).perform();
    assertThat(rowIndexOfFocus()).isEqualTo(1L);
    assertThat(browser.js("return document.activeElement.classList.contains('check')")).isEqualTo(true);
    assertThat(browser.js("return document.querySelectorAll('#task-list .task[data-status=completed]').length"))
      .as("arrows complete nothing").isEqualTo(0L);
  }

  @Test
  @DisplayName("with two reminder toasts showing, the last row's buttons can be scrolled out from under them and clicked")
  void toastsLeaveRoomForTheLastRows() {
    String token = server.register(browser);
    browser.resize(1280, 700);
    JsonObject[] tasks = new JsonObject[12];
    for (int i = 0; i < tasks.length; i++) {
      tasks[i] = task("Task number " + (i + 1));
    }
    seed(token, tasks);
    Object shown = browser.driver.executeAsyncScript("""
      const done = arguments[0];
      import('/js/views/toasts.js').then(toasts => {
        for (const n of [1, 2]) {
          toasts.reminder({ id: 'test-reminder-' + n, time: new Date().toISOString(),
            data: { firedAt: new Date().toISOString(), task: { id: 'none', title: 'Reminder number ' + n } } },
            'live', null);
        }
        done(document.querySelectorAll('.toast.reminder').length);
      }, e => done('failed: ' + e));
      """);
    assertThat(shown).isEqualTo(2L);
    // scrolled to the very bottom, each of the last row's buttons is what a click at its centre reaches
    browser.waitUntil("the last row's checkbox, history and delete buttons clear of the toasts", """
      window.scrollTo(0, document.documentElement.scrollHeight);
      const rows = document.querySelectorAll('#task-list .task');
      const last = rows[rows.length - 1];
      return ['.check', '[data-action=history]', '[data-action=remove]'].every(css => {
        const el = last.querySelector(css);
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return hit === el || el.contains(hit);
      });
      """);
    browser.screenshot("toasts-room");
  }

  @Test
  @DisplayName("the due date's tooltip says its time is the browser's zone, and gives the time in the zone it was set in")
  void zoneTooltip() {
    String token = server.register(browser);
    seed(token,
      task("Call New York").put("dueAt", "2026-12-04T11:00:00-05:00").put("timezone", "America/New_York"),
      task("Call Paris").put("dueAt", "2026-12-04T09:00:00+01:00").put("timezone", "Europe/Paris"));
    String newYork = tooltip("Call New York");
    // 17:00 in Paris is 11:00 in New York (the browser's locale picks 24- or 12-hour clock)
    assertThat(newYork).matches(".*\\b(17:00|5:00[\\s\\u202f]PM) your time \\(Europe/Paris\\);"
      + ".*\\b(11:00|11:00[\\s\\u202f]AM) in America/New_York.*");
    String paris = tooltip("Call Paris");
    assertThat(paris).matches(".*\\b(09:00|9:00[\\s\\u202f]AM) your time \\(Europe/Paris\\)")
      .doesNotContain("America");
  }

  String tooltip(String title) {
    return (String) browser.js("const li = Array.from(document.querySelectorAll('#task-list .task'))"
      + ".find(li => li.querySelector('.task-title').textContent === arguments[0]);"
      + " return li.querySelector('.meta.due').title", title);
  }

  @Test
  @DisplayName("at phone width (390×844) the account name, every view, the tag list and the rows' tags are on screen")
  void phoneWidth() {
    String token = server.register(browser);
    browser.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
      Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
    try {
      seed(token, task("Pay the gas bill").put("tags", new JsonArray().add("bills").add("home")),
        task("Book the dentist").put("tags", new JsonArray().add("health")));
      browser.waitUntil("the tag list", "return document.querySelectorAll('#tag-list .tag-filter').length === 3");
      assertThat(browser.js("return window.innerWidth")).isEqualTo(390L);

      @SuppressWarnings("unchecked")
      List<String> problems = (List<String>) browser.js("""
        const problems = [];
        const width = window.innerWidth;
        const check = (what, el) => {
          if (!el) {
            problems.push(what + ': missing');
            return;
          }
          const r = el.getBoundingClientRect();
          const style = getComputedStyle(el);
          if (r.width === 0 || r.height === 0 || style.visibility === 'hidden' || style.display === 'none') {
            problems.push(what + ': hidden');
          } else if (r.left < 0 || r.right > width + 0.5) {
            problems.push(what + ': outside the screen (' + Math.round(r.left) + '..' + Math.round(r.right) + ')');
          }
          // cut by a scrolling or clipping ancestor
          for (let p = el.parentElement; p; p = p.parentElement) {
            const ps = getComputedStyle(p);
            if (ps.overflowX !== 'visible') {
              const pr = p.getBoundingClientRect();
              if (r.left < pr.left - 0.5 || r.right > pr.right + 0.5) {
                problems.push(what + ': cut by ' + (p.id || p.className));
              }
            }
          }
        };
        check('the account name', document.getElementById('who'));
        document.querySelectorAll('#views .view').forEach(v => check('view ' + v.dataset.view, v));
        document.querySelectorAll('#tag-list .tag-filter').forEach(t => check('tag filter ' + t.dataset.tag, t));
        document.querySelectorAll('#task-list .task .tag').forEach(t => check('row tag ' + t.dataset.tag, t));
        check('the log-out button', document.getElementById('logout'));
        if (document.documentElement.scrollWidth > width) {
          problems.push('the page is wider than the screen: ' + document.documentElement.scrollWidth);
        }
        return problems;
        """);
      browser.screenshot("phone-layout");
      assertThat(problems).isEmpty();
      assertThat(browser.find("#who").getText()).isEqualTo("Grace");
    } finally {
      browser.driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }
}
