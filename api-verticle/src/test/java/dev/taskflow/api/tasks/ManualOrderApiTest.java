package dev.taskflow.api.tasks;

import dev.taskflow.api.TestApi;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.taskflow.api.TestApi.assertProblem;
import static dev.taskflow.api.TestApi.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Manual order: POST /tasks/{id}/move and sort=manual")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManualOrderApiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  TestApi api;

  @BeforeAll
  void start() {
    api = new TestApi(db);
  }

  @AfterAll
  void stop() {
    api.close();
  }

  /** Creates the tasks oldest first, so the manual list (newest on top) shows them in reverse. */
  private List<String> tasks(Session session, String... titles) {
    List<String> ids = new ArrayList<>();
    for (String title : titles) {
      ids.add(api.createTask(session, title).getString("id"));
    }
    return ids;
  }

  private HttpResponse<Buffer> move(Session session, String id, String after, String before) {
    JsonObject body = new JsonObject();
    if (after != null) {
      body.put("after", after);
    }
    if (before != null) {
      body.put("before", before);
    }
    return api.post("/api/v1/tasks/" + id + "/move", session, body);
  }

  /** The manual list, every page of it ({@code pageSize} a page). */
  private List<String> order(Session session, String query, int pageSize) {
    List<String> titles = new ArrayList<>();
    String cursor = null;
    do {
      HttpResponse<Buffer> response = api.get("/api/v1/tasks?sort=manual&limit=" + pageSize + query
        + (cursor == null ? "" : "&cursor=" + cursor), session);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
      JsonObject page = response.bodyAsJsonObject();
      page.getJsonArray("items").forEach(item -> titles.add(((JsonObject) item).getString("title")));
      cursor = page.getString("nextCursor");
    } while (cursor != null);
    return titles;
  }

  private List<String> order(Session session) {
    return order(session, "", 200);
  }

  @Test
  @DisplayName("new tasks come first; a move puts a task after or before another, one event, and pages stay whole")
  void moves() {
    Session ada = api.register();
    List<String> ids = tasks(ada, "a", "b", "c", "d");
    assertThat(order(ada)).containsExactly("d", "c", "b", "a");

    HttpResponse<Buffer> moved = move(ada, ids.get(3), ids.get(1), null);
    assertThat(moved.statusCode()).as(moved.bodyAsString()).isEqualTo(200);
    assertThat(moved.getHeader("ETag")).isEqualTo("\"2\"");
    assertThat(order(ada)).containsExactly("c", "b", "d", "a");
    JsonObject data = api.query("SELECT event->'data' FROM outbox WHERE event->>'subject' = $1 "
      + "AND event->>'type' = 'taskflow.task.moved'", ids.get(3)).iterator().next().getJsonObject(0);
    assertThat(data.getString("after")).isEqualTo(ids.get(1));
    assertThat(data.getString("before")).isEqualTo(ids.get(0));
    assertThat(data.getBoolean("respaced")).isFalse();

    assertThat(move(ada, ids.get(0), null, ids.get(2)).statusCode()).isEqualTo(200);
    assertThat(order(ada)).containsExactly("a", "c", "b", "d");
    assertThat(move(ada, ids.get(0), ids.get(3), null).statusCode()).isEqualTo(200);
    assertThat(order(ada)).containsExactly("c", "b", "d", "a");
    assertThat(order(ada, "", 1)).containsExactly("c", "b", "d", "a");

    // a task already where it is asked to go: nothing changes, no event
    long events = api.count("SELECT count(*) FROM outbox WHERE user_id = $1", ada.userId());
    assertThat(move(ada, ids.get(1), ids.get(2), ids.get(3)).getHeader("ETag")).isEqualTo("\"1\"");
    assertThat(api.count("SELECT count(*) FROM outbox WHERE user_id = $1", ada.userId())).isEqualTo(events);
  }

  @Test
  @DisplayName("moving into the same gap again and again re-spaces the list and keeps its order")
  void respacing() {
    Session ada = api.register();
    List<String> ids = tasks(ada, "z", "y", "first");
    // "first" then "y" then "z"; each round puts z right after first: the gap after first halves every time
    for (int round = 0; round < 20; round++) {
      String mover = round % 2 == 0 ? ids.get(0) : ids.get(1);
      HttpResponse<Buffer> response = move(ada, mover, ids.get(2), null);
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    }
    assertThat(order(ada)).containsExactly("first", "y", "z");
    assertThat(api.count("SELECT count(*) FROM outbox WHERE user_id = $1 AND event->>'type' = 'taskflow.task.moved' "
      + "AND (event->'data'->>'respaced')::boolean", ada.userId())).isGreaterThan(0);
  }

  @Test
  @DisplayName("subtasks are ordered among their siblings; a top-level task is not their neighbour")
  void siblings() {
    Session ada = api.register();
    String parent = api.createTask(ada, "parent").getString("id");
    List<String> subs = new ArrayList<>();
    for (String title : List.of("one", "two", "three")) {
      subs.add(api.createTask(ada, new JsonObject().put("title", title).put("parentId", parent)).getString("id"));
    }
    assertThat(move(ada, subs.get(2), null, subs.get(0)).statusCode()).isEqualTo(200);
    assertThat(order(ada, "&parent=" + parent, 200)).containsExactly("three", "one", "two");
    assertProblem(move(ada, subs.get(0), parent, null), 400, "same list");
    assertProblem(move(ada, parent, subs.get(0), null), 400, "same list");
  }

  @Test
  @DisplayName("bad moves: 400 without a neighbour, to itself or out of the list; 404 for another user's; 409; 412; 401")
  void failures() {
    Session ada = api.register();
    Session bob = api.register();
    List<String> ids = tasks(ada, "a", "b", "c", "d");
    String bobs = api.createTask(bob, "bob's").getString("id");
    assertProblem(api.post("/api/v1/tasks/" + ids.get(0) + "/move", ada, new JsonObject().putNull("after")), 400,
      "after");
    assertProblem(move(ada, ids.get(0), ids.get(0), null), 400, "itself");
    assertProblem(move(ada, ids.get(0), bobs, null), 400, "same list");
    assertProblem(move(ada, ids.get(0), UUID.randomUUID().toString(), null), 400, "same list");
    assertProblem(move(ada, ids.get(0), "nope", null), 400, "after");
    assertProblem(move(bob, ids.get(0), ids.get(1), null), 404, ids.get(0));
    assertProblem(move(ada, bobs, ids.get(1), null), 404, bobs);
    // d, c, b, a: d and b are not neighbours (also with a left out)
    assertProblem(move(ada, ids.get(0), ids.get(3), ids.get(1)), 409, "neighbours");
    assertProblem(api.send(HttpMethod.POST, "/api/v1/tasks/" + ids.get(0) + "/move", ada.token(),
      new JsonObject().put("before", ids.get(2)), Map.of("If-Match", "\"7\"")), 412, "version 1");
    assertThat(api.send(HttpMethod.POST, "/api/v1/tasks/" + ids.get(0) + "/move", null,
      new JsonObject().put("before", ids.get(2))).statusCode()).isEqualTo(401);
    HttpResponse<Buffer> created = api.get("/api/v1/tasks?limit=1", ada);
    assertProblem(api.get("/api/v1/tasks?sort=manual&cursor=" + created.bodyAsJsonObject().getString("nextCursor"),
      ada), 400, "cursor");
    assertProblem(api.get("/api/v1/tasks?sort=sideways", ada), 400, "sort");
    assertThat(order(ada)).containsExactly("d", "c", "b", "a");
  }

  @Test
  @DisplayName("concurrent moves into one gap, and of one task, never give two tasks one position nor lose one")
  void concurrentMoves() {
    Session ada = api.register();
    String[] titles = new String[30];
    for (int i = 0; i < titles.length; i++) {
      titles[i] = "t" + i;
    }
    List<String> ids = tasks(ada, titles);
    String anchor = ids.get(ids.size() - 1); // the newest: first in the list
    List<Future<HttpResponse<Buffer>>> moves = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      moves.add(api.client.post("/api/v1/tasks/" + ids.get(i) + "/move")
        .putHeader("Authorization", "Bearer " + ada.token())
        .sendJsonObject(new JsonObject().put("after", anchor)));
    }
    // and one task moved by two requests at once, to two places
    moves.add(api.client.post("/api/v1/tasks/" + ids.get(25) + "/move").putHeader("Authorization", "Bearer " + ada.token())
      .sendJsonObject(new JsonObject().put("before", ids.get(0))));
    moves.add(api.client.post("/api/v1/tasks/" + ids.get(25) + "/move").putHeader("Authorization", "Bearer " + ada.token())
      .sendJsonObject(new JsonObject().put("after", ids.get(1))));
    for (HttpResponse<Buffer> response : await(Future.all(moves)).<HttpResponse<Buffer>>list()) {
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    }

    List<String> order = order(ada, "", 7);
    assertThat(order).hasSize(30).doesNotHaveDuplicates().containsExactlyInAnyOrder(titles);
    assertThat(order.get(0)).isEqualTo("t29");
    assertThat(api.count("SELECT count(DISTINCT position) FROM tasks WHERE user_id = $1", ada.userId())).isEqualTo(30);
    // the tasks nobody moved keep their order: newest first
    assertThat(order.stream().filter(t -> List.of("t20", "t21", "t22", "t23", "t24", "t26", "t27", "t28").contains(t)))
      .containsExactly("t28", "t27", "t26", "t24", "t23", "t22", "t21", "t20");
  }

  @Test
  @DisplayName("tasks made subtasks while their list is re-spaced: every request succeeds, none deadlocks")
  void reparentWhileRespacing() {
    Session ada = api.register();
    String[] titles = new String[40];
    for (int i = 0; i < titles.length; i++) {
      titles[i] = "r" + i;
    }
    List<String> ids = tasks(ada, titles);
    String anchor = ids.get(ids.size() - 1);
    List<Future<HttpResponse<Buffer>>> requests = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      requests.add(api.client.post("/api/v1/tasks/" + ids.get(i) + "/move")
        .putHeader("Authorization", "Bearer " + ada.token())
        .sendJsonObject(new JsonObject().put("after", anchor)));
      // r20..r29 become subtasks of r30..r38 (parents with lower and higher ids than the child, by chance)
      if (i < 9) {
        requests.add(api.client.patch("/api/v1/tasks/" + ids.get(20 + i))
          .putHeader("Authorization", "Bearer " + ada.token())
          .sendJsonObject(new JsonObject().put("parentId", ids.get(30 + i))));
      }
    }
    for (HttpResponse<Buffer> response : await(Future.all(requests)).<HttpResponse<Buffer>>list()) {
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    }
    assertThat(order(ada, "", 200)).hasSize(31).doesNotHaveDuplicates();
  }
}
