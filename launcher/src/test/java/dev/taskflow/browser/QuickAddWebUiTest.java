package dev.taskflow.browser;

import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.assertj.core.api.SoftAssertions;
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

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quick add that understands (issue 14), in real Chromium: the parser module ({@code js/quickadd.js}) over a table of
 * inputs at a fixed instant and zone, then the page end to end: typing shows what was understood, Enter creates the
 * task with that due date, tags, priority and rule (checked through the API), and a chip clicked keeps its words as
 * text.
 */
@DisplayName("The web UI: quick add that understands")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuickAddWebUiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  static final String PARIS = "Europe/Paris";
  /** Thursday 3 December 2026, 14:00 in Paris. */
  static final String NOW = "2026-12-03T14:00:00+01:00";

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
    UiServer.zone(browser, PARIS);
  }

  @AfterEach
  void closeBrowser() {
    browser.close();
  }

  /** text, then what it becomes: title, dueAt, tags, priority, rrule, anchor (null: none), and for some the preview. */
  record Case(String text, String title, String dueAt, List<String> tags, String priority, String rrule, String anchor,
              String zone, String preview) {

    static Case of(String text, String title, String dueAt) {
      return new Case(text, title, dueAt, List.of(), null, null, null, PARIS, null);
    }

    Case tags(String... names) {
      return new Case(text, title, dueAt, List.of(names), priority, rrule, anchor, zone, preview);
    }

    Case priority(String value) {
      return new Case(text, title, dueAt, tags, value, rrule, anchor, zone, preview);
    }

    Case rule(String value) {
      return new Case(text, title, dueAt, tags, priority, value, anchor, zone, preview);
    }

    Case fromCompletion() {
      return new Case(text, title, dueAt, tags, priority, rrule, "completion", zone, preview);
    }

    Case in(String value) {
      return new Case(text, title, dueAt, tags, priority, rrule, anchor, value, preview);
    }

    Case shows(String value) {
      return new Case(text, title, dueAt, tags, priority, rrule, anchor, zone, value);
    }
  }

  static final List<Case> CASES = List.of(
    Case.of("Pay rent every month on the 1st at 9am #bills !high", "Pay rent", "2027-01-01T09:00:00+01:00")
      .tags("bills").priority("high").rule("FREQ=MONTHLY;BYMONTHDAY=1")
      .shows("Pay rent · due Fri 1 Jan 2027 09:00 · repeats monthly on day 1 · #bills · high"),
    Case.of("Call mum tomorrow 5pm", "Call mum", "2026-12-04T17:00:00+01:00").shows("Call mum · due Fri 4 Dec 17:00"),
    Case.of("Water plants every! 3 days", "Water plants", "2026-12-04T09:00:00+01:00")
      .rule("FREQ=DAILY;INTERVAL=3").fromCompletion()
      .shows("Water plants · due Fri 4 Dec 09:00 · repeats every 3 days from completion"),
    Case.of("every! 3 days", "", "2026-12-04T09:00:00+01:00").rule("FREQ=DAILY;INTERVAL=3").fromCompletion(),
    Case.of("Dentist next friday at 9", "Dentist", "2026-12-11T09:00:00+01:00"),
    Case.of("Buy gifts dec 24", "Buy gifts", "2026-12-24T09:00:00+01:00"),
    Case.of("Buy gifts 24th december 2027", "Buy gifts", "2027-12-24T09:00:00+01:00"),
    Case.of("Send cards Dec 24 at 5pm", "Send cards", "2026-12-24T17:00:00+01:00"),
    Case.of("Report 2026-12-24 17:30", "Report", "2026-12-24T17:30:00+01:00"),
    Case.of("Gym in 3 days", "Gym", "2026-12-06T09:00:00+01:00"),
    Case.of("Fix bug !urgent #work in 2 weeks", "Fix bug", "2026-12-17T09:00:00+01:00").tags("work").priority("urgent"),
    Case.of("Standup every weekday at 9:30am", "Standup", "2026-12-04T09:30:00+01:00")
      .rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR").shows("Standup · due Fri 4 Dec 09:30 · repeats every weekday"),
    Case.of("Bins every monday", "Bins", "2026-12-07T09:00:00+01:00").rule("FREQ=WEEKLY;BYDAY=MO"),
    Case.of("Yoga every tue and thu at 7pm", "Yoga", "2026-12-03T19:00:00+01:00").rule("FREQ=WEEKLY;BYDAY=TU,TH"),
    Case.of("Pay rent every day at 8am !low", "Pay rent", "2026-12-04T08:00:00+01:00").rule("FREQ=DAILY").priority("low"),
    Case.of("Stand-up every week", "Stand-up", "2026-12-04T09:00:00+01:00").rule("FREQ=WEEKLY"),
    Case.of("Sales call every other week !1", "Sales call", "2026-12-04T09:00:00+01:00")
      .rule("FREQ=WEEKLY;INTERVAL=2").priority("urgent"),
    Case.of("Backup every month", "Backup", "2026-12-04T09:00:00+01:00").rule("FREQ=MONTHLY"),
    Case.of("Pay dues every year #a #b #a", "Pay dues", "2026-12-04T09:00:00+01:00").rule("FREQ=YEARLY").tags("a", "b"),
    Case.of("Review today", "Review", "2026-12-03T23:59:00+01:00"),
    Case.of("Review 3pm", "Review", "2026-12-03T15:00:00+01:00"),
    Case.of("Review 1pm", "Review", "2026-12-04T13:00:00+01:00"),
    Case.of("Meet 9 am", "Meet", "2026-12-04T09:00:00+01:00"),
    Case.of("Lunch 12:30 #team #food", "Lunch", "2026-12-04T12:30:00+01:00").tags("team", "food"),
    Case.of("Renew #v1.2 licence, #admin.", "Renew licence.", null).tags("v1.2", "admin"),
    Case.of("Ship it friday noon", "Ship it", "2026-12-04T12:00:00+01:00"),
    Case.of("Movie thursday 8pm", "Movie", "2026-12-10T20:00:00+01:00"),
    Case.of("Plan next week", "Plan", "2026-12-07T09:00:00+01:00"),
    Case.of("Buy sun cream on sat", "Buy sun cream", "2026-12-05T09:00:00+01:00"),
    Case.of("Tax return by apr 15th", "Tax return", "2027-04-15T09:00:00+02:00"),
    Case.of("Read \"tomorrow\" book tomorrow", "Read tomorrow book", "2026-12-04T09:00:00+01:00")
      .shows("Read tomorrow book · due Fri 4 Dec 09:00"),
    Case.of("Email 5 people", "Email 5 people", null),
    Case.of("Feb 30 party", "Feb 30 party", null),
    Case.of("Call at 25", "Call at 25", null),
    Case.of("Change clocks 2027-03-14 2:30am", "Change clocks", "2027-03-14T03:30:00-04:00").in("America/New_York"),
    Case.of("Call NY tomorrow 9am", "Call NY", "2026-12-04T09:00:00-05:00").in("America/New_York"));

  @Test
  @DisplayName("the parser turns each of a table of inputs into the title, due date, tags, priority and rule expected")
  void parserTable() {
    browser.open("/");
    JsonArray inputs = new JsonArray();
    for (Case c : CASES) {
      inputs.add(new JsonObject().put("text", c.text()).put("zone", c.zone()));
    }
    Object answer = browser.driver.executeAsyncScript("""
      const [inputs, now, done] = arguments;
      import('/js/quickadd.js').then(m => done(JSON.stringify(inputs.map(i => {
        const p = m.parse(i.text, Date.parse(now), i.zone);
        return { title: p.title, dueAt: p.dueAt, tags: p.tags, priority: p.priority,
                 rrule: p.recurrence ? p.recurrence.rrule : null,
                 anchor: p.recurrence ? (p.recurrence.anchor || null) : null,
                 dtstart: p.recurrence ? p.recurrence.dtstart : null,
                 preview: [p.title, ...p.parts.map(part => part.label)].join(' · ') };
      }))), e => done('failed: ' + e));
      """, jsonList(inputs), NOW);
    assertThat((String) answer).doesNotStartWith("failed");
    JsonArray results = new JsonArray((String) answer);
    SoftAssertions soft = new SoftAssertions();
    for (int i = 0; i < CASES.size(); i++) {
      Case c = CASES.get(i);
      JsonObject r = results.getJsonObject(i);
      soft.assertThat(r.getString("title")).as("title of %s", c.text()).isEqualTo(c.title());
      soft.assertThat(r.getString("dueAt")).as("dueAt of %s", c.text()).isEqualTo(c.dueAt());
      soft.assertThat(r.getJsonArray("tags").getList()).as("tags of %s", c.text()).isEqualTo(c.tags());
      soft.assertThat(r.getString("priority")).as("priority of %s", c.text()).isEqualTo(c.priority());
      soft.assertThat(r.getString("rrule")).as("rrule of %s", c.text()).isEqualTo(c.rrule());
      soft.assertThat(r.getString("anchor")).as("anchor of %s", c.text()).isEqualTo(c.anchor());
      if (c.rrule() != null) {
        soft.assertThat(r.getString("dtstart") + c.dueAt().substring(19)).as("dtstart of %s is its due date", c.text())
          .isEqualTo(c.dueAt());
      }
      if (c.preview() != null) {
        soft.assertThat(r.getString("preview")).as("preview of %s", c.text()).isEqualTo(c.preview());
      }
    }
    soft.assertAll();
  }

  static List<Map<String, Object>> jsonList(JsonArray array) {
    return array.stream().map(o -> ((JsonObject) o).getMap()).toList();
  }

  @Test
  @DisplayName("typing shows what was understood; Enter adds the task with that due date, tags, priority and monthly rule")
  void typeSeeAdd() {
    String token = server.register(browser);
    WebElement input = browser.find("#quick-title");
    input.sendKeys("Pay rent every month on the 1st at 9am #bills !high");

    ZonedDateTime due = firstOfMonthAtNine(ZoneId.of(PARIS));
    String expected = "Pay rent · due " + describe(due) + " · repeats monthly on day 1 · #bills · high";
    browser.waitUntil("the preview to say " + expected,
      "const p = document.getElementById('quick-preview'); return !p.hidden && p.textContent === arguments[0]",
      expected);
    assertThat(browser.findAll("#quick-preview button.chip")).hasSize(4);
    browser.screenshot("quick-add-preview");

    input.sendKeys(Keys.ENTER);
    browser.waitUntil("the task in the list", "return Array.from(document.querySelectorAll('#task-list .task-title'))"
      + ".some(t => t.textContent === 'Pay rent')");
    assertThat(browser.js("return document.getElementById('quick-title').value")).isEqualTo("");
    assertThat(browser.js("return document.getElementById('quick-preview').hidden")).isEqualTo(true);

    JsonObject task = onlyTask(token);
    assertThat(task.getString("title")).isEqualTo("Pay rent");
    assertThat(Instant.parse(task.getString("dueAt"))).isEqualTo(due.toInstant());
    assertThat(task.getString("timezone")).isEqualTo(PARIS);
    assertThat(task.getJsonArray("tags").getList()).containsExactly("bills");
    assertThat(task.getString("priority")).isEqualTo("high");
    JsonObject series = onlySeries(token);
    assertThat(series.getString("rrule")).isEqualTo("FREQ=MONTHLY;BYMONTHDAY=1");
    assertThat(series.getString("anchor")).isEqualTo("schedule");
    assertThat(series.getString("taskId")).isEqualTo(task.getString("id"));
  }

  @Test
  @DisplayName("\"every! 3 days\" makes a series counted from completion; \"tomorrow 5pm\" a due date tomorrow at 17:00")
  void completionAnchorAndTomorrow() {
    String token = server.register(browser);
    WebElement input = browser.find("#quick-title");
    input.sendKeys("Water plants every! 3 days", Keys.ENTER);
    browser.waitUntil("the repeating task in the list", "return Array.from(document.querySelectorAll("
      + "'#task-list .task-title')).some(t => t.textContent === 'Water plants')");
    JsonObject series = onlySeries(token);
    assertThat(series.getString("rrule")).isEqualTo("FREQ=DAILY;INTERVAL=3");
    assertThat(series.getString("anchor")).isEqualTo("completion");

    input.sendKeys("Call mum tomorrow 5pm", Keys.ENTER);
    browser.waitUntil("the second task in the list", "return Array.from(document.querySelectorAll("
      + "'#task-list .task-title')).some(t => t.textContent === 'Call mum')");
    JsonObject call = tasks(token).stream().map(JsonObject.class::cast)
      .filter(t -> t.getString("title").equals("Call mum")).findFirst().orElseThrow();
    ZonedDateTime expected = ZonedDateTime.of(LocalDate.now(ZoneId.of(PARIS)).plusDays(1), LocalTime.of(17, 0),
      ZoneId.of(PARIS));
    assertThat(Instant.parse(call.getString("dueAt"))).isEqualTo(expected.toInstant());
    assertThat(call.getString("seriesId")).isNull();
  }

  @Test
  @DisplayName("clicking a chip keeps its words in the title as written (quoted), and the task gets no due date")
  void chipKeepsWordsLiteral() {
    String token = server.register(browser);
    WebElement input = browser.find("#quick-title");
    input.sendKeys("Read Tomorrow and tomorrow 5pm #books");
    browser.waitUntil("a due chip", "return Array.from(document.querySelectorAll('#quick-preview .chip'))"
      + ".some(c => c.textContent.startsWith('due '))");
    browser.js("Array.from(document.querySelectorAll('#quick-preview .chip'))"
      + ".find(c => c.textContent.startsWith('due ')).click()");
    assertThat(browser.js("return document.getElementById('quick-title').value"))
      .isEqualTo("Read \"Tomorrow\" and tomorrow \"5pm\" #books");
    // the first "Tomorrow" is now literal: the second one is understood instead; drop it as well
    browser.waitUntil("the next due chip", "return Array.from(document.querySelectorAll('#quick-preview .chip'))"
      + ".some(c => c.textContent.startsWith('due '))");
    browser.js("Array.from(document.querySelectorAll('#quick-preview .chip'))"
      + ".find(c => c.textContent.startsWith('due ')).click()");
    browser.waitUntil("the preview without a due date", "return document.getElementById('quick-preview').textContent"
      + " === 'Read Tomorrow and tomorrow 5pm · #books'");
    assertThat(browser.js("return document.activeElement.id")).isEqualTo("quick-title");
    input.sendKeys(Keys.ENTER);
    browser.waitUntil("the task in the list", "return Array.from(document.querySelectorAll('#task-list .task-title'))"
      + ".some(t => t.textContent === 'Read Tomorrow and tomorrow 5pm')");
    JsonObject task = onlyTask(token);
    assertThat(task.getString("dueAt")).isNull();
    assertThat(task.getJsonArray("tags").getList()).containsExactly("books");
  }

  JsonArray tasks(String token) {
    JsonObject answer = server.api(token, "GET", "/tasks", null);
    assertThat(answer.getInteger("status")).as(answer.encode()).isEqualTo(200);
    return answer.getJsonObject("body").getJsonArray("items");
  }

  JsonObject onlyTask(String token) {
    JsonArray items = tasks(token);
    assertThat(items).hasSize(1);
    return items.getJsonObject(0);
  }

  JsonObject onlySeries(String token) {
    JsonObject answer = server.api(token, "GET", "/tasks/recurring", null);
    assertThat(answer.getInteger("status")).as(answer.encode()).isEqualTo(200);
    JsonArray items = answer.getJsonObject("body").getJsonArray("items");
    assertThat(items).hasSize(1);
    return items.getJsonObject(0);
  }

  /** The first 1st of a month at 09:00 that is still ahead. */
  static ZonedDateTime firstOfMonthAtNine(ZoneId zone) {
    ZonedDateTime now = ZonedDateTime.now(zone);
    ZonedDateTime candidate = now.toLocalDate().withDayOfMonth(1).atTime(9, 0).atZone(zone);
    return candidate.isAfter(now) ? candidate : candidate.plusMonths(1);
  }

  /** As the preview says it: "Fri 1 Jan 09:00", with the year when it is not this one. */
  static String describe(ZonedDateTime due) {
    boolean thisYear = due.getYear() == ZonedDateTime.now(due.getZone()).getYear();
    return due.format(DateTimeFormatter.ofPattern(thisYear ? "EEE d MMM HH:mm" : "EEE d MMM yyyy HH:mm",
      Locale.ENGLISH));
  }
}
