package dev.taskflow.api.reminders;

import dev.taskflow.api.TestApi;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.taskflow.api.TestApi.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Due dates and reminders in the API")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemindersApiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  TestApi api;
  Session ada;
  Session bob;

  @BeforeAll
  void start() {
    api = new TestApi(db);
    ada = api.register();
    bob = api.register();
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private static String inHours(long hours) {
    return Instant.now().plus(Duration.ofHours(hours)).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static JsonObject offset(String offset) {
    return new JsonObject().put("offset", offset);
  }

  private static JsonObject at(String at) {
    return new JsonObject().put("at", at);
  }

  private JsonObject task(Session session, String dueAt, JsonObject... reminders) {
    JsonObject body = new JsonObject().put("title", "Call the plumber").put("reminders", new JsonArray(List.of(
      (Object[]) reminders)));
    if (dueAt != null) {
      body.put("dueAt", dueAt).put("timezone", "Europe/Paris");
    }
    return api.createTask(session, body);
  }

  /** The reminders of a task as the API lists them. */
  private JsonArray reminders(Session session, String taskId) {
    HttpResponse<Buffer> response = api.get("/api/v1/tasks/" + taskId + "/reminders", session);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("items");
  }

  private JsonObject reminder(Session session, String taskId, String field, String value) {
    for (Object item : reminders(session, taskId)) {
      JsonObject reminder = (JsonObject) item;
      if (value.equals(reminder.getString(field))) {
        return reminder;
      }
    }
    throw new AssertionError("No reminder with " + field + " " + value + " in " + reminders(session, taskId));
  }

  private static Instant instant(JsonObject json, String field) {
    return json.getString(field) == null ? null : Instant.parse(json.getString(field));
  }

  private HttpResponse<Buffer> put(String path, Session session, JsonObject body) {
    return api.send(HttpMethod.PUT, path, session.token(), body);
  }

  @Nested
  @DisplayName("creating a task with reminders")
  class Creating {

    @Test
    @DisplayName("stores them with the task, relative ones timed from the due date, and answers them with their ids")
    void withTheTask() {
      String due = inHours(48);
      String absolute = inHours(5);
      JsonObject task = task(ada, due, offset("-PT30M"), offset("-PT90M"), at(absolute));

      JsonArray answered = task.getJsonArray("reminders");
      assertThat(answered).hasSize(3);
      assertThat(answered.stream().map(r -> ((JsonObject) r).getString("offset")))
        .containsExactly("-PT30M", "-PT1H30M", null);
      JsonObject relative = reminder(ada, task.getString("id"), "offset", "-PT30M");
      assertThat(instant(relative, "fireAt")).isEqualTo(Instant.parse(due).minus(Duration.ofMinutes(30)));
      assertThat(relative.getString("state")).isEqualTo("pending");
      assertThat(instant(reminder(ada, task.getString("id"), "at", absolute), "fireAt"))
        .isEqualTo(Instant.parse(absolute));
    }

    @Test
    @DisplayName("answers 400 with a clear detail, and creates nothing, for reminders it cannot keep")
    void badReminders() {
      long tasksBefore = api.count("SELECT count(*) FROM tasks");
      String past = Instant.now().minus(Duration.ofMinutes(1)).toString();
      assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "x")
        .put("reminders", new JsonArray().add(offset("-PT30M")))), 400, "no dueAt");
      assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "x").put("dueAt", inHours(3))
        .put("reminders", new JsonArray().add(offset("-P1M")))), 400, "ISO-8601 duration");
      assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "x").put("dueAt", inHours(3))
        .put("reminders", new JsonArray().add(offset("30 minutes")))), 400, "reminders[0].offset");
      assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "x").put("dueAt", inHours(3))
        .put("reminders", new JsonArray().add(offset("-P400D")))), 400, "at most 365 days");
      assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "x")
        .put("reminders", new JsonArray().add(at(past)))), 400, "in the future");
      assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "x").put("dueAt", inHours(3))
        .put("reminders", new JsonArray().add(offset("-PT1H").put("at", inHours(1))))), 400, "not both");
      assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "x").put("dueAt", inHours(3))
        .put("reminders", new JsonArray().add(offset("-PT60M")).add(offset("-PT1H")))), 400, "repeats");
      JsonArray tooMany = new JsonArray();
      for (int i = 1; i <= 21; i++) {
        tooMany.add(offset("-PT" + i + "M"));
      }
      assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "x").put("dueAt", inHours(3))
        .put("reminders", tooMany)), 400, "reminders");
      assertThat(api.count("SELECT count(*) FROM tasks")).isEqualTo(tasksBefore);
    }

    @Test
    @DisplayName("is all or nothing: when a reminder cannot be written, the task and its event are not either")
    void atomic() {
      api.query("""
        CREATE FUNCTION refuse_reminder() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused for the test'; END $$""");
      api.query("""
        CREATE TRIGGER refuse_reminder BEFORE INSERT ON reminders FOR EACH ROW
        WHEN (NEW.due_offset = '-PT7M') EXECUTE FUNCTION refuse_reminder()""");
      try {
        long tasks = api.count("SELECT count(*) FROM tasks");
        long events = api.count("SELECT count(*) FROM outbox");
        long reminders = api.count("SELECT count(*) FROM reminders");
        HttpResponse<Buffer> response = api.post("/api/v1/tasks", ada, new JsonObject().put("title", "All or none")
          .put("dueAt", inHours(3)).put("reminders", new JsonArray().add(offset("-PT5M")).add(offset("-PT7M"))));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(api.count("SELECT count(*) FROM tasks")).isEqualTo(tasks);
        assertThat(api.count("SELECT count(*) FROM outbox")).isEqualTo(events);
        assertThat(api.count("SELECT count(*) FROM reminders")).isEqualTo(reminders);
      } finally {
        api.query("DROP TRIGGER refuse_reminder ON reminders");
        api.query("DROP FUNCTION refuse_reminder()");
      }
    }
  }

  @Nested
  @DisplayName("the due date")
  class DueDate {

    @Test
    @DisplayName("PUT /due moves relative reminders, not absolute ones, and writes an updated event with changes.dueAt")
    void moves() {
      String absolute = inHours(2);
      JsonObject task = task(ada, inHours(24), offset("-PT30M"), offset("-P1D"), at(absolute));
      String id = task.getString("id");
      String newDue = "2031-03-30T09:00:00+02:00";

      HttpResponse<Buffer> response = put("/api/v1/tasks/" + id + "/due", ada,
        new JsonObject().put("dueAt", newDue).put("timezone", "Europe/Paris"));

      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      assertThat(response.getHeader("ETag")).isEqualTo("\"2\"");
      assertThat(response.bodyAsJsonObject().getString("dueAt")).isEqualTo("2031-03-30T07:00:00Z");
      assertThat(instant(reminder(ada, id, "offset", "-PT30M"), "fireAt")).isEqualTo("2031-03-30T06:30:00Z");
      // the day before at the same wall-clock time, which was still winter time (+01:00)
      assertThat(instant(reminder(ada, id, "offset", "-P1D"), "fireAt")).isEqualTo("2031-03-29T08:00:00Z");
      assertThat(instant(reminder(ada, id, "at", absolute), "fireAt")).isEqualTo(Instant.parse(absolute));
      JsonObject event = api.query("SELECT event FROM outbox WHERE event->>'subject' = $1 ORDER BY sequence DESC "
        + "LIMIT 1", id).iterator().next().getJsonObject(0);
      assertThat(event.getString("type")).isEqualTo("taskflow.task.updated");
      assertThat(event.getJsonObject("data").getJsonObject("changes").getJsonObject("dueAt").getString("new"))
        .isEqualTo("2031-03-30T07:00:00Z");
    }

    @Test
    @DisplayName("a PATCH of dueAt moves them too; clearing it leaves them waiting, unscheduled, until a new one")
    void clearAndSetAgain() {
      JsonObject task = task(ada, inHours(24), offset("-PT1H"));
      String id = task.getString("id");

      assertThat(put("/api/v1/tasks/" + id + "/due", ada, new JsonObject().putNull("dueAt")).statusCode())
        .isEqualTo(200);
      JsonObject waiting = reminder(ada, id, "offset", "-PT1H");
      assertThat(waiting.getString("fireAt")).isNull();
      assertThat(waiting.getString("state")).isEqualTo("pending");
      assertThat(pendingIds(ada)).doesNotContain(waiting.getString("id"));

      HttpResponse<Buffer> patched = api.send(HttpMethod.PATCH, "/api/v1/tasks/" + id, ada.token(),
        new JsonObject().put("dueAt", "2032-01-10T10:00:00Z"));
      assertThat(patched.statusCode()).as(patched.bodyAsString()).isEqualTo(200);
      assertThat(instant(reminder(ada, id, "offset", "-PT1H"), "fireAt")).isEqualTo("2032-01-10T09:00:00Z");
      assertThat(pendingIds(ada)).contains(waiting.getString("id"));
    }

    @Test
    @DisplayName("a pending reminder whose new time has passed fires at once; a fired one whose new time is ahead is armed again")
    void pastAndFired() {
      JsonObject task = task(ada, inHours(24), offset("-PT1H"), offset("-PT2H"));
      String id = task.getString("id");
      String fired = reminder(ada, id, "offset", "-PT2H").getString("id");
      api.query("UPDATE reminders SET state = 'fired', fired_at = now() WHERE id = $1", UUID.fromString(fired));

      put("/api/v1/tasks/" + id + "/due", ada, new JsonObject().put("dueAt", Instant.now().plus(Duration.ofMinutes(30))
        .toString()));
      JsonObject overdue = reminder(ada, id, "offset", "-PT1H");
      assertThat(instant(overdue, "fireAt")).isBefore(Instant.now().plusSeconds(1));
      assertThat(overdue.getString("state")).isEqualTo("pending");
      assertThat(reminder(ada, id, "id", fired).getString("state")).isEqualTo("fired");

      put("/api/v1/tasks/" + id + "/due", ada, new JsonObject().put("dueAt", "2033-05-05T12:00:00Z"));
      JsonObject rearmed = reminder(ada, id, "id", fired);
      assertThat(rearmed.getString("state")).isEqualTo("pending");
      assertThat(instant(rearmed, "fireAt")).isEqualTo("2033-05-05T10:00:00Z");
      assertThat(rearmed.getString("firedAt")).isNull();
    }

    @Test
    @DisplayName("PUT /due answers 400 for a bad date and 404 for another user's task")
    void bad() {
      String id = task(ada, null).getString("id");
      assertProblem(put("/api/v1/tasks/" + id + "/due", ada, new JsonObject().put("dueAt", "tomorrow")), 400,
        "dueAt");
      assertProblem(put("/api/v1/tasks/" + id + "/due", ada, new JsonObject()), 400, "dueAt");
      assertProblem(put("/api/v1/tasks/" + id + "/due", bob, new JsonObject().put("dueAt", inHours(1))), 404,
        "No task");
    }
  }

  @Nested
  @DisplayName("completing, reopening and deleting a task")
  class Lifecycle {

    @Test
    @DisplayName("completing cancels pending reminders; reopening restores those still ahead, not the rest")
    void completeAndReopen() {
      String soon = inHours(3);
      String later = inHours(4);
      JsonObject task = task(ada, inHours(24), offset("-PT1H"), at(soon), at(later));
      String id = task.getString("id");
      String overtaken = reminder(ada, id, "at", later).getString("id");

      assertThat(api.post("/api/v1/tasks/" + id + "/complete", ada, null).statusCode()).isEqualTo(200);
      assertThat(reminders(ada, id).stream().map(r -> ((JsonObject) r).getString("state")))
        .containsOnly("cancelled");
      assertThat(api.count("SELECT count(*) FROM reminders WHERE task_id = $1 AND state = 'pending'",
        UUID.fromString(id))).isZero();

      // time passes for one of them while the task is done
      api.query("UPDATE reminders SET fire_at = now() - interval '1 minute' WHERE id = $1", UUID.fromString(overtaken));
      assertThat(api.post("/api/v1/tasks/" + id + "/reopen", ada, null).statusCode()).isEqualTo(200);

      assertThat(reminder(ada, id, "id", overtaken).getString("state")).isEqualTo("cancelled");
      assertThat(reminder(ada, id, "offset", "-PT1H").getString("state")).isEqualTo("pending");
      assertThat(reminder(ada, id, "at", soon).getString("state")).isEqualTo("pending");
    }

    @Test
    @DisplayName("a relative reminder waiting for a due date survives completing and reopening, and is scheduled when "
      + "the task gets one")
    void unscheduledSurvivesReopen() {
      JsonObject task = task(ada, inHours(24), offset("-PT1H"));
      String id = task.getString("id");
      assertThat(put("/api/v1/tasks/" + id + "/due", ada, new JsonObject().putNull("dueAt")).statusCode())
        .isEqualTo(200);
      assertThat(api.post("/api/v1/tasks/" + id + "/complete", ada, null).statusCode()).isEqualTo(200);
      assertThat(api.post("/api/v1/tasks/" + id + "/reopen", ada, null).statusCode()).isEqualTo(200);
      assertThat(reminder(ada, id, "offset", "-PT1H").getString("state")).isEqualTo("pending");

      String due = inHours(48);
      assertThat(put("/api/v1/tasks/" + id + "/due", ada, new JsonObject().put("dueAt", due)).statusCode())
        .isEqualTo(200);
      JsonObject scheduled = reminder(ada, id, "offset", "-PT1H");
      assertThat(scheduled.getString("state")).isEqualTo("pending");
      assertThat(instant(scheduled, "fireAt")).isEqualTo(Instant.parse(due).minusSeconds(3600));
    }

    @Test
    @DisplayName("deleting cancels its reminders; they leave the pending list and the task's list is a 404")
    void delete() {
      JsonObject task = task(ada, inHours(24), offset("-PT1H"), at(inHours(3)));
      String id = task.getString("id");

      assertThat(api.send(HttpMethod.DELETE, "/api/v1/tasks/" + id, ada.token(), null).statusCode()).isEqualTo(204);

      assertThat(api.count("SELECT count(*) FROM reminders WHERE task_id = $1 AND state = 'cancelled'",
        UUID.fromString(id))).isEqualTo(2);
      assertThat(api.count("SELECT count(*) FROM reminders WHERE task_id = $1 AND state <> 'cancelled'",
        UUID.fromString(id))).isZero();
      assertProblem(api.get("/api/v1/tasks/" + id + "/reminders", ada), 404, "No task");
    }
  }

  @Nested
  @DisplayName("the reminder endpoints")
  class Endpoints {

    @Test
    @DisplayName("add answers 201 with Location; list shows it; delete answers 204, then 404")
    void addListDelete() {
      String id = task(ada, inHours(24)).getString("id");

      HttpResponse<Buffer> added = api.post("/api/v1/tasks/" + id + "/reminders", ada, offset("-PT15M"));

      assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
      JsonObject reminder = added.bodyAsJsonObject();
      assertThat(added.getHeader("Location")).isEqualTo("/api/v1/tasks/" + id + "/reminders/" + reminder.getString("id"));
      assertThat(reminder.getString("taskId")).isEqualTo(id);
      assertThat(reminders(ada, id)).hasSize(1);
      String path = "/api/v1/tasks/" + id + "/reminders/" + reminder.getString("id");
      assertThat(api.send(HttpMethod.DELETE, path, ada.token(), null).statusCode()).isEqualTo(204);
      assertProblem(api.send(HttpMethod.DELETE, path, ada.token(), null), 404, "No reminder");
      assertThat(reminders(ada, id)).isEmpty();
    }

    @Test
    @DisplayName("refuses with 409 a relative reminder without a due date, a repeat, and a 21st")
    void conflicts() {
      String undated = task(ada, null).getString("id");
      assertProblem(api.post("/api/v1/tasks/" + undated + "/reminders", ada, offset("-PT15M")), 409,
        "no due date");

      String id = task(ada, inHours(24), offset("-PT15M")).getString("id");
      assertProblem(api.post("/api/v1/tasks/" + id + "/reminders", ada, offset("-PT900S")), 409, "already has");
      for (int i = 1; i < 20; i++) {
        assertThat(api.post("/api/v1/tasks/" + id + "/reminders", ada, offset("-PT" + i + "H")).statusCode())
          .isEqualTo(201);
      }
      assertProblem(api.post("/api/v1/tasks/" + id + "/reminders", ada, offset("-P2D")), 409, "the most it may have");
    }

    @Test
    @DisplayName("another user's task or reminder is a 404 on every verb, and stays as it was")
    void isolation() {
      JsonObject task = task(ada, inHours(24), offset("-PT15M"));
      String id = task.getString("id");
      String rid = task.getJsonArray("reminders").getJsonObject(0).getString("id");

      assertProblem(api.post("/api/v1/tasks/" + id + "/reminders", bob, offset("-PT5M")), 404, "No task");
      assertProblem(api.get("/api/v1/tasks/" + id + "/reminders", bob), 404, "No task");
      assertProblem(api.send(HttpMethod.DELETE, "/api/v1/tasks/" + id + "/reminders/" + rid, bob.token(), null), 404,
        "No reminder");
      assertProblem(api.post("/api/v1/reminders/" + rid + "/snooze", bob, new JsonObject().put("duration", "PT5M")),
        404, "No reminder");
      assertThat(pendingIds(bob)).doesNotContain(rid);
      assertThat(reminders(ada, id)).hasSize(1);
    }

    @Test
    @DisplayName("GET /reminders/pending lists the caller's scheduled reminders soonest first, page by page")
    void pending() {
      Session carol = api.register();
      task(carol, inHours(30), offset("-PT1H"), offset("-PT2H"), at(inHours(1)));
      task(carol, inHours(10), offset("-PT3H"));
      String done = task(carol, inHours(20), offset("-PT1H")).getString("id");
      api.post("/api/v1/tasks/" + done + "/complete", carol, null);

      List<Instant> times = new ArrayList<>();
      Set<String> seen = new HashSet<>();
      String cursor = null;
      do {
        HttpResponse<Buffer> page = api.get("/api/v1/reminders/pending?limit=2"
          + (cursor == null ? "" : "&cursor=" + cursor), carol);
        assertThat(page.statusCode()).as(page.bodyAsString()).isEqualTo(200);
        for (Object item : page.bodyAsJsonObject().getJsonArray("items")) {
          assertThat(seen.add(((JsonObject) item).getString("id"))).isTrue();
          times.add(instant((JsonObject) item, "fireAt"));
        }
        cursor = page.bodyAsJsonObject().getString("nextCursor");
      } while (cursor != null);

      assertThat(times).hasSize(4).isSorted();
      assertProblem(api.get("/api/v1/reminders/pending?limit=0", carol), 400, "limit");
      assertProblem(api.get("/api/v1/reminders/pending?cursor=nope", carol), 400, "cursor");
    }

    @Test
    @DisplayName("snooze schedules a fired reminder again; a pending one, or a bad duration, is refused")
    void snooze() {
      JsonObject task = task(ada, inHours(24), offset("-PT15M"));
      String rid = task.getJsonArray("reminders").getJsonObject(0).getString("id");
      String path = "/api/v1/reminders/" + rid + "/snooze";

      assertProblem(api.post(path, ada, new JsonObject().put("duration", "PT10M")), 409, "pending");
      api.query("UPDATE reminders SET state = 'fired', fired_at = now() WHERE id = $1", UUID.fromString(rid));
      assertProblem(api.post(path, ada, new JsonObject().put("duration", "-PT10M")), 400, "ahead");
      assertProblem(api.post(path, ada, new JsonObject().put("duration", "ten minutes")), 400, "ISO-8601");

      Instant before = Instant.now();
      HttpResponse<Buffer> snoozed = api.post(path, ada, new JsonObject().put("duration", "PT10M"));

      assertThat(snoozed.statusCode()).as(snoozed.bodyAsString()).isEqualTo(200);
      JsonObject reminder = snoozed.bodyAsJsonObject();
      assertThat(reminder.getString("state")).isEqualTo("pending");
      assertThat(reminder.getInteger("snoozes")).isEqualTo(1);
      assertThat(instant(reminder, "fireAt")).isBetween(before.plus(Duration.ofMinutes(10)).minusSeconds(1),
        Instant.now().plus(Duration.ofMinutes(10)).plusSeconds(1));
      assertThat(pendingIds(ada)).contains(rid);
    }
  }

  private List<String> pendingIds(Session session) {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = api.get("/api/v1/reminders/pending?limit=200" + (cursor == null ? "" : "&cursor=" + cursor),
        session).bodyAsJsonObject();
      page.getJsonArray("items").forEach(item -> ids.add(((JsonObject) item).getString("id")));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    return ids;
  }

  @Test
  @DisplayName("a reminder's times are instants in UTC, like the task's")
  void utc() {
    JsonObject task = task(ada, "2030-06-01T10:00:00+02:00", offset("-PT45M"));
    assertThat(task.getJsonArray("reminders").getJsonObject(0).getString("fireAt")).isEqualTo("2030-06-01T07:15:00Z");
    assertThat(OffsetDateTime.parse(task.getString("dueAt")).getOffset().getTotalSeconds()).isZero();
  }
}
