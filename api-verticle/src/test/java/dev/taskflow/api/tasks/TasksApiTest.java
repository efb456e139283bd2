package dev.taskflow.api.tasks;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The task endpoints")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TasksApiTest {

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

  private long outboxRows(UUID taskId) {
    return api.count("SELECT count(*) FROM outbox WHERE event->>'subject' = $1", taskId.toString());
  }

  private List<String> eventTypes(String taskId) {
    List<String> types = new ArrayList<>();
    api.query("SELECT event->>'type' FROM outbox WHERE event->>'subject' = $1 ORDER BY sequence", taskId)
      .forEach(row -> types.add(row.getString(0)));
    return types;
  }

  private static void assertProblem(HttpResponse<Buffer> response, int status, String detailContains) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("detail")).containsIgnoringCase(detailContains);
  }

  @Nested
  @DisplayName("on success")
  class Success {

    @Test
    @DisplayName("create answers 201 with Location, ETag and the stored task, and writes one created event")
    void create() {
      HttpResponse<Buffer> response = api.post("/api/v1/tasks", ada, new JsonObject()
        .put("title", "  Water the plants  ")
        .put("description", "the ferns too")
        .put("priority", "high")
        .put("tags", new JsonArray().add("home").add("garden"))
        .put("dueAt", "2026-12-01T18:30:00+01:00")
        .put("timezone", "Europe/Paris"));

      assertThat(response.statusCode()).isEqualTo(201);
      JsonObject task = response.bodyAsJsonObject();
      assertThat(response.getHeader("Location")).isEqualTo("/api/v1/tasks/" + task.getString("id"));
      assertThat(response.getHeader("ETag")).isEqualTo("\"1\"");
      assertThat(task.getString("title")).isEqualTo("Water the plants");
      assertThat(task.getString("status")).isEqualTo("open");
      assertThat(task.getString("priority")).isEqualTo("high");
      assertThat(task.getJsonArray("tags")).containsExactly("home", "garden");
      assertThat(task.getString("dueAt")).isEqualTo("2026-12-01T17:30:00Z");
      assertThat(task.getString("timezone")).isEqualTo("Europe/Paris");
      assertThat(eventTypes(task.getString("id"))).containsExactly("taskflow.task.created");

      JsonObject event = api.query("SELECT event FROM outbox WHERE event->>'subject' = $1", task.getString("id"))
        .iterator().next().getJsonObject(0);
      assertThat(event.getString("specversion")).isEqualTo("1.0");
      assertThat(event.getString("source")).isEqualTo("/taskflow/api");
      assertThat(event.getString("userid")).isEqualTo(ada.userId().toString());
      assertThat(event.getValue("schemaversion")).isEqualTo(1);
      assertThat(event.getJsonObject("data").getJsonObject("task").getString("title")).isEqualTo("Water the plants");
    }

    @Test
    @DisplayName("get returns the task with its ETag")
    void get() {
      JsonObject task = api.createTask(ada, "Read a book");
      HttpResponse<Buffer> response = api.get("/api/v1/tasks/" + task.getString("id"), ada);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.getHeader("ETag")).isEqualTo("\"1\"");
      assertThat(response.bodyAsJsonObject()).isEqualTo(task);
    }

    @Test
    @DisplayName("a merge patch with a matching If-Match changes only the named fields and records old and new")
    void patch() {
      JsonObject task = api.createTask(ada, new JsonObject().put("title", "Call mum").put("description", "Sunday")
        .put("dueAt", "2026-12-06T10:00:00Z").put("timezone", "Europe/London"));
      String id = task.getString("id");

      HttpResponse<Buffer> response = api.send(HttpMethod.PATCH, "/api/v1/tasks/" + id, ada.token(),
        new JsonObject().put("title", "Call mum and dad").put("dueAt", null),
        Map.of("If-Match", "\"1\"", "Content-Type", "application/merge-patch+json"));

      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      assertThat(response.getHeader("ETag")).isEqualTo("\"2\"");
      JsonObject patched = response.bodyAsJsonObject();
      assertThat(patched.getString("title")).isEqualTo("Call mum and dad");
      assertThat(patched.getString("description")).isEqualTo("Sunday");
      assertThat(patched.getString("dueAt")).isNull();
      assertThat(patched.getString("timezone")).isEqualTo("Europe/London");
      assertThat(eventTypes(id)).containsExactly("taskflow.task.created", "taskflow.task.updated");
      JsonObject changes = api.query("SELECT event->'data'->'changes' FROM outbox WHERE event->>'subject' = $1 "
        + "AND event->>'type' = 'taskflow.task.updated'", id).iterator().next().getJsonObject(0);
      assertThat(changes.fieldNames()).containsExactlyInAnyOrder("title", "dueAt");
      assertThat(changes.getJsonObject("title").getString("old")).isEqualTo("Call mum");
      assertThat(changes.getJsonObject("dueAt").getString("old")).isEqualTo("2026-12-06T10:00:00Z");
      assertThat(changes.getJsonObject("dueAt").getValue("new")).isNull();
    }

    @Test
    @DisplayName("a patch that changes nothing answers the task and writes no event")
    void noOpPatch() {
      JsonObject task = api.createTask(ada, "Same");
      String id = task.getString("id");
      HttpResponse<Buffer> response = api.send(HttpMethod.PATCH, "/api/v1/tasks/" + id, ada.token(),
        new JsonObject().put("title", "Same"));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.bodyAsJsonObject().getInteger("version")).isEqualTo(1);
      assertThat(eventTypes(id)).containsExactly("taskflow.task.created");
    }

    @Test
    @DisplayName("complete and reopen are idempotent: a repeat answers the same task and writes no second event")
    void completeAndReopen() {
      String id = api.createTask(ada, "Pay rent").getString("id");

      HttpResponse<Buffer> completed = api.post("/api/v1/tasks/" + id + "/complete", ada, null);
      assertThat(completed.statusCode()).isEqualTo(200);
      assertThat(completed.bodyAsJsonObject().getString("status")).isEqualTo("completed");
      assertThat(completed.bodyAsJsonObject().getString("completedAt")).isNotNull();
      HttpResponse<Buffer> again = api.post("/api/v1/tasks/" + id + "/complete", ada, null);
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(again.bodyAsJsonObject()).isEqualTo(completed.bodyAsJsonObject());

      HttpResponse<Buffer> reopened = api.post("/api/v1/tasks/" + id + "/reopen", ada, null);
      assertThat(reopened.statusCode()).isEqualTo(200);
      assertThat(reopened.bodyAsJsonObject().getString("status")).isEqualTo("open");
      assertThat(reopened.bodyAsJsonObject().getString("completedAt")).isNull();
      assertThat(api.post("/api/v1/tasks/" + id + "/reopen", ada, null).statusCode()).isEqualTo(200);

      assertThat(eventTypes(id)).containsExactly(
        "taskflow.task.created", "taskflow.task.completed", "taskflow.task.reopened");
    }

    @Test
    @DisplayName("delete answers 204, the task is gone, and the deleted event carries the last snapshot")
    void delete() {
      JsonObject task = api.createTask(ada, "Throw away");
      String id = task.getString("id");
      assertThat(api.send(HttpMethod.DELETE, "/api/v1/tasks/" + id, ada.token(), null,
        Map.of("If-Match", "\"1\"")).statusCode()).isEqualTo(204);
      assertThat(api.get("/api/v1/tasks/" + id, ada).statusCode()).isEqualTo(404);
      assertThat(api.send(HttpMethod.DELETE, "/api/v1/tasks/" + id, ada.token(), null).statusCode()).isEqualTo(404);
      assertThat(eventTypes(id)).containsExactly("taskflow.task.created", "taskflow.task.deleted");
      JsonObject last = api.query("SELECT event->'data'->'task' FROM outbox WHERE event->>'subject' = $1 "
        + "AND event->>'type' = 'taskflow.task.deleted'", id).iterator().next().getJsonObject(0);
      assertThat(last).isEqualTo(task);
    }
  }

  @Nested
  @DisplayName("listing")
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Listing {

    Session carol;

    @BeforeAll
    void seed() {
      carol = api.register();
      for (int i = 1; i <= 7; i++) {
        api.createTask(carol, new JsonObject().put("title", "Task " + i)
          .put("tags", new JsonArray().add(i % 2 == 0 ? "even" : "odd"))
          .put("dueAt", "2026-12-0" + i + "T12:00:00Z"));
      }
      api.createTask(carol, new JsonObject().put("title", "100% done_ish").put("description", "special chars"));
    }

    private List<String> titles(HttpResponse<Buffer> response) {
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      List<String> titles = new ArrayList<>();
      response.bodyAsJsonObject().getJsonArray("items").forEach(t -> titles.add(((JsonObject) t).getString("title")));
      return titles;
    }

    @Test
    @DisplayName("pages newest first through an opaque cursor, every task once")
    void pages() {
      Set<String> seen = new HashSet<>();
      List<String> order = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        HttpResponse<Buffer> page = api.get("/api/v1/tasks?limit=3" + (cursor == null ? "" : "&cursor=" + cursor),
          carol);
        List<String> titles = titles(page);
        assertThat(titles).hasSizeLessThanOrEqualTo(3);
        titles.forEach(t -> assertThat(seen.add(t)).as("seen twice: " + t).isTrue());
        order.addAll(titles);
        cursor = page.bodyAsJsonObject().getString("nextCursor");
        pages++;
      } while (cursor != null);
      assertThat(pages).isEqualTo(3);
      assertThat(order).hasSize(8).startsWith("100% done_ish", "Task 7").endsWith("Task 1");
    }

    @Test
    @DisplayName("pages through tasks created in the same microsecond by their id, none lost or repeated")
    void ties() {
      Session dave = api.register();
      for (int i = 0; i < 5; i++) {
        api.createTask(dave, "Tied " + i);
      }
      api.query("UPDATE tasks SET created_at = '2026-11-23T10:00:00Z' WHERE user_id = $1", dave.userId());
      Set<String> ids = new HashSet<>();
      String cursor = null;
      do {
        HttpResponse<Buffer> page = api.get("/api/v1/tasks?limit=1" + (cursor == null ? "" : "&cursor=" + cursor),
          dave);
        page.bodyAsJsonObject().getJsonArray("items")
          .forEach(t -> assertThat(ids.add(((JsonObject) t).getString("id"))).isTrue());
        cursor = page.bodyAsJsonObject().getString("nextCursor");
      } while (cursor != null);
      assertThat(ids).hasSize(5);
    }

    @Test
    @DisplayName("filters by status, tag, due window and text, and only ever shows the caller's tasks")
    void filters() {
      String task3 = api.get("/api/v1/tasks?q=Task%203", carol).bodyAsJsonObject().getJsonArray("items")
        .getJsonObject(0).getString("id");
      api.post("/api/v1/tasks/" + task3 + "/complete", carol, null);

      assertThat(titles(api.get("/api/v1/tasks?status=completed", carol))).containsExactly("Task 3");
      assertThat(titles(api.get("/api/v1/tasks?status=open&tag=even", carol)))
        .containsExactly("Task 6", "Task 4", "Task 2");
      assertThat(titles(api.get("/api/v1/tasks?dueAfter=2026-12-02T12:00:00Z&dueBefore=2026-12-05T00:00:00Z",
        carol))).containsExactly("Task 4", "Task 3");
      assertThat(titles(api.get("/api/v1/tasks?q=100%25", carol))).containsExactly("100% done_ish");
      assertThat(titles(api.get("/api/v1/tasks?q=_", carol))).containsExactly("100% done_ish");
      assertThat(titles(api.get("/api/v1/tasks?q=SPECIAL", carol))).containsExactly("100% done_ish");
      assertThat(titles(api.get("/api/v1/tasks?q=100", carol))).containsExactly("100% done_ish");
      assertThat(titles(api.get("/api/v1/tasks?q=%22quoted%22", carol))).isEmpty();
      assertThat(titles(api.get("/api/v1/tasks?limit=200", bob))).doesNotContain("Task 1");
    }
  }

  @Nested
  @DisplayName("on bad input answers 400 and changes nothing")
  class BadInput {

    static Stream<Arguments> badBodies() {
      return Stream.of(
        Arguments.of("malformed JSON", "{\"title\": \"x\",", "can't be decoded"),
        Arguments.of("an unknown field", "{\"title\": \"x\", \"owner\": \"someone\"}", "owner"),
        Arguments.of("a wrong type", "{\"title\": 42}", "title"),
        Arguments.of("a JSON array", "[]", "invalid"),
        Arguments.of("a NUL character", "{\"title\": \"a\\u0000b\"}", "title"),
        Arguments.of("a 20 kB title", new JsonObject().put("title", "x".repeat(20_000)).encode(), "title"),
        Arguments.of("an empty title", "{\"title\": \"\"}", "title"),
        Arguments.of("a blank title", "{\"title\": \"   \"}", "title must not be blank"),
        Arguments.of("no title", "{\"description\": \"x\"}", "title"),
        Arguments.of("an impossible date", "{\"title\": \"x\", \"dueAt\": \"2026-02-30T10:00:00Z\"}", "dueAt"),
        Arguments.of("a date without offset", "{\"title\": \"x\", \"dueAt\": \"2026-02-10T10:00:00\"}", "dueAt"),
        Arguments.of("a date that is not one", "{\"title\": \"x\", \"dueAt\": \"tomorrow\"}", "dueAt"),
        Arguments.of("an unknown zone", "{\"title\": \"x\", \"timezone\": \"Mars/Olympus_Mons\"}", "timezone"),
        Arguments.of("an unknown priority", "{\"title\": \"x\", \"priority\": \"meh\"}", "priority"),
        Arguments.of("too many tags", new JsonObject().put("title", "x").put("tags",
          new JsonArray(java.util.Collections.nCopies(21, "t"))).encode(), "tags"),
        Arguments.of("a tag with a comma", "{\"title\": \"x\", \"tags\": [\"a,b\"]}", "tags"),
        Arguments.of("a description over 10,000 characters",
          new JsonObject().put("title", "x").put("description", "d".repeat(10_001)).encode(), "description"));
    }

    @ParameterizedTest(name = "create with {0}")
    @MethodSource("badBodies")
    void createRejects(String what, String body, String detail) {
      long before = api.count("SELECT count(*) FROM tasks");
      assertProblem(api.post("/api/v1/tasks", ada, Buffer.buffer(body)), 400, detail);
      assertThat(api.count("SELECT count(*) FROM tasks")).isEqualTo(before);
    }

    @ParameterizedTest(name = "patch with {0}")
    @MethodSource("badBodies")
    void patchRejects(String what, String body, String detail) {
      if (what.equals("no title")) {
        return; // a patch need not name the title
      }
      JsonObject task = api.createTask(ada, "Unchanged");
      HttpResponse<Buffer> response = api.send(HttpMethod.PATCH, "/api/v1/tasks/" + task.getString("id"),
        ada.token(), Buffer.buffer(body));
      assertProblem(response, 400, detail.equals("title") || detail.equals("can't be decoded") ? "" : detail);
      assertThat(api.get("/api/v1/tasks/" + task.getString("id"), ada).bodyAsJsonObject()).isEqualTo(task);
    }

    @Test
    @DisplayName("an empty patch, a status in a patch, a body over the limit, a missing content type")
    void otherBodies() {
      String id = api.createTask(ada, "Keep").getString("id");
      assertProblem(api.send(HttpMethod.PATCH, "/api/v1/tasks/" + id, ada.token(), new JsonObject()), 400, "");
      assertProblem(api.send(HttpMethod.PATCH, "/api/v1/tasks/" + id, ada.token(),
        new JsonObject().put("status", "completed")), 400, "status");
      assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "x".repeat(70_000))), 413, "larger");
      assertProblem(api.send(HttpMethod.POST, "/api/v1/tasks", ada.token(), Buffer.buffer("{\"title\":\"x\"}"),
        Map.of("Content-Type", "text/plain")), 400, "not supported");
    }

    @Test
    @DisplayName("bad path and query parameters")
    void parameters() {
      assertProblem(api.get("/api/v1/tasks/not-a-uuid", ada), 400, "id");
      assertProblem(api.get("/api/v1/tasks?limit=0", ada), 400, "limit");
      assertProblem(api.get("/api/v1/tasks?limit=201", ada), 400, "limit");
      assertProblem(api.get("/api/v1/tasks?limit=ten", ada), 400, "limit");
      assertProblem(api.get("/api/v1/tasks?status=done", ada), 400, "status");
      assertProblem(api.get("/api/v1/tasks?dueBefore=2026-13-01T00:00:00Z", ada), 400, "dueBefore");
      assertProblem(api.get("/api/v1/tasks?q=a%00b", ada), 400, "q");
      assertProblem(api.get("/api/v1/tasks?seriesId=42", ada), 400, "seriesId");
      assertProblem(api.get("/api/v1/tasks?cursor=bm90LWEtY3Vyc29y", ada), 400, "cursor");
      assertProblem(api.get("/api/v1/tasks?cursor=" + "a".repeat(300), ada), 400, "cursor");
    }
  }

  @Nested
  @DisplayName("another user's task")
  class Isolation {

    @Test
    @DisplayName("is a 404 on every verb, never a 403, and stays as it was")
    void notFoundOnEveryVerb() {
      JsonObject task = api.createTask(ada, "Ada's secret");
      String path = "/api/v1/tasks/" + task.getString("id");

      assertProblem(api.get(path, bob), 404, "No task");
      assertProblem(api.send(HttpMethod.PATCH, path, bob.token(), new JsonObject().put("title", "mine now")), 404,
        "No task");
      assertProblem(api.send(HttpMethod.PATCH, path, bob.token(), new JsonObject().put("title", "mine now"),
        Map.of("If-Match", "\"1\"")), 404, "No task");
      assertProblem(api.post(path + "/complete", bob, null), 404, "No task");
      assertProblem(api.post(path + "/reopen", bob, null), 404, "No task");
      assertProblem(api.send(HttpMethod.DELETE, path, bob.token(), null), 404, "No task");

      assertThat(api.get(path, ada).bodyAsJsonObject()).isEqualTo(task);
      assertThat(outboxRows(UUID.fromString(task.getString("id")))).isEqualTo(1);
      assertProblem(api.get("/api/v1/tasks/" + UUID.randomUUID(), bob), 404, "No task");
    }
  }

  @Nested
  @DisplayName("optimistic concurrency")
  class Preconditions {

    @Test
    @DisplayName("a stale If-Match is a 412 that names the current ETag and changes nothing")
    void staleIfMatch() {
      JsonObject task = api.createTask(ada, "Version me");
      String path = "/api/v1/tasks/" + task.getString("id");
      assertThat(api.send(HttpMethod.PATCH, path, ada.token(), new JsonObject().put("title", "v2"),
        Map.of("If-Match", "\"1\"")).statusCode()).isEqualTo(200);

      assertProblem(api.send(HttpMethod.PATCH, path, ada.token(), new JsonObject().put("title", "v3"),
        Map.of("If-Match", "\"1\"")), 412, "\"2\"");
      assertProblem(api.send(HttpMethod.DELETE, path, ada.token(), null, Map.of("If-Match", "\"1\"")), 412, "\"2\"");
      assertProblem(api.send(HttpMethod.PATCH, path, ada.token(), new JsonObject().put("title", "v3"),
        Map.of("If-Match", "garbage")), 412, "version 2");

      JsonObject current = api.get(path, ada).bodyAsJsonObject();
      assertThat(current.getString("title")).isEqualTo("v2");
      assertThat(current.getInteger("version")).isEqualTo(2);
      // If-Match compares strongly (RFC 9110 13.1.1): a weak tag never matches
      assertProblem(api.send(HttpMethod.PATCH, path, ada.token(), new JsonObject().put("title", "v3"),
        Map.of("If-Match", "W/\"2\"")), 412, "version 2");
      assertThat(api.send(HttpMethod.PATCH, path, ada.token(), new JsonObject().put("title", "v3"),
        Map.of("If-Match", "\"7\", \"2\"")).statusCode()).isEqualTo(200);
      assertThat(api.send(HttpMethod.DELETE, path, ada.token(), null, Map.of("If-Match", "*")).statusCode())
        .isEqualTo(204);
    }
  }
}
