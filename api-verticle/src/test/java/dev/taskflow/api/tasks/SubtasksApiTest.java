package dev.taskflow.api.tasks;

import dev.taskflow.api.TestApi;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.testing.TestDatabase;
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
import java.util.UUID;

import static dev.taskflow.api.TestApi.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Subtasks: one level, under a parent of the same user")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubtasksApiTest {

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

  private JsonObject subtask(Session session, String parentId, String title) {
    return api.createTask(session, new JsonObject().put("title", title).put("parentId", parentId));
  }

  private HttpResponse<Buffer> patch(Session session, String id, JsonObject body) {
    return api.send(HttpMethod.PATCH, "/api/v1/tasks/" + id, session.token(), body);
  }

  private JsonObject listed(Session session, String query, String id) {
    for (Object item : api.get("/api/v1/tasks" + query, session).bodyAsJsonObject().getJsonArray("items")) {
      if (((JsonObject) item).getString("id").equals(id)) {
        return (JsonObject) item;
      }
    }
    return null;
  }

  private List<String> titles(Session session, String query) {
    List<String> titles = new ArrayList<>();
    api.get("/api/v1/tasks" + query, session).bodyAsJsonObject().getJsonArray("items")
      .forEach(item -> titles.add(((JsonObject) item).getString("title")));
    return titles;
  }

  @Test
  @DisplayName("a subtask names its parent, in the answer and the event; the parent's list entry counts open and done")
  void createAndCount() {
    String parent = api.createTask(ada, "Plan the party").getString("id");
    JsonObject cake = subtask(ada, parent, "Order the cake");
    subtask(ada, parent, "Send the invitations");
    assertThat(cake.getString("parentId")).isEqualTo(parent);
    JsonObject event = api.query("SELECT event FROM outbox WHERE event->>'subject' = $1", cake.getString("id"))
      .iterator().next().getJsonObject(0);
    assertThat(event.getJsonObject("data").getJsonObject("task").getString("parentId")).isEqualTo(parent);

    assertThat(listed(ada, "", parent).getJsonObject("subtasks"))
      .isEqualTo(new JsonObject().put("open", 2).put("done", 0));
    assertThat(api.post("/api/v1/tasks/" + cake.getString("id") + "/complete", ada, null).statusCode()).isEqualTo(200);
    assertThat(listed(ada, "", parent).getJsonObject("subtasks"))
      .isEqualTo(new JsonObject().put("open", 1).put("done", 1));
    assertThat(listed(ada, "", cake.getString("id")).containsKey("subtasks")).isFalse();

    // subtasks in the order they were added (a checklist grows downwards); parent=none leaves them out
    assertThat(titles(ada, "?parent=" + parent + "&sort=manual")).containsExactly("Order the cake", "Send the invitations");
    assertThat(titles(ada, "?parent=none")).contains("Plan the party").doesNotContain("Order the cake");
  }

  @Test
  @DisplayName("completing a parent with open subtasks is allowed and leaves them open")
  void completeParent() {
    String parent = api.createTask(ada, "Move house").getString("id");
    String box = subtask(ada, parent, "Pack the books").getString("id");
    assertThat(api.post("/api/v1/tasks/" + parent + "/complete", ada, null).bodyAsJsonObject().getString("status"))
      .isEqualTo("completed");
    assertThat(api.get("/api/v1/tasks/" + box, ada).bodyAsJsonObject().getString("status")).isEqualTo("open");
  }

  @Test
  @DisplayName("another user's task or no task as parent is a 404; a subtask as parent a 422; with a recurrence a 422")
  void badParents() {
    String bobs = api.createTask(bob, "Bob's").getString("id");
    assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "x").put("parentId", bobs)), 404, bobs);
    String none = UUID.randomUUID().toString();
    assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "x").put("parentId", none)), 404, none);
    assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "x").put("parentId", "not-an-id")),
      400, "parentId");

    String parent = api.createTask(ada, "Garden").getString("id");
    String child = subtask(ada, parent, "Mow").getString("id");
    assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "Edges").put("parentId", child)),
      422, "one level");
    assertProblem(api.post("/api/v1/tasks", ada, new JsonObject().put("title", "Weekly").put("parentId", parent)
      .put("recurrence", new JsonObject().put("rrule", "FREQ=WEEKLY"))), 422, "cannot repeat");
    assertThat(api.count("SELECT count(*) FROM tasks WHERE parent_id = $1", UUID.fromString(parent))).isEqualTo(1);
  }

  @Test
  @DisplayName("a patch moves a task under a parent and back; one with subtasks, itself or a subtask as parent is refused")
  void patchParent() {
    String parent = api.createTask(ada, "Taxes").getString("id");
    String receipts = api.createTask(ada, "Find the receipts").getString("id");
    HttpResponse<Buffer> moved = patch(ada, receipts, new JsonObject().put("parentId", parent));
    assertThat(moved.statusCode()).as(moved.bodyAsString()).isEqualTo(200);
    assertThat(moved.bodyAsJsonObject().getString("parentId")).isEqualTo(parent);
    JsonObject changes = api.query("SELECT event->'data'->'changes' FROM outbox WHERE event->>'subject' = $1 "
      + "AND event->>'type' = 'taskflow.task.updated'", receipts).iterator().next().getJsonObject(0);
    assertThat(changes.getJsonObject("parentId")).isEqualTo(new JsonObject().putNull("old").put("new", parent));

    String other = api.createTask(ada, "Other").getString("id");
    assertProblem(patch(ada, parent, new JsonObject().put("parentId", other)), 409, "subtasks of its own");
    assertProblem(patch(ada, other, new JsonObject().put("parentId", other)), 422, "own subtask");
    assertProblem(patch(ada, other, new JsonObject().put("parentId", receipts)), 422, "one level");
    String bobs = api.createTask(bob, "Bob's").getString("id");
    assertProblem(patch(ada, other, new JsonObject().put("parentId", bobs)), 404, bobs);
    assertProblem(patch(bob, receipts, new JsonObject().put("parentId", bobs)), 404, receipts);

    HttpResponse<Buffer> back = patch(ada, receipts, new JsonObject().putNull("parentId"));
    assertThat(back.bodyAsJsonObject().getString("parentId")).isNull();
    assertThat(titles(ada, "?parent=none&sort=manual").get(0)).isEqualTo("Find the receipts");
  }

  @Test
  @DisplayName("deleting a parent deletes its subtasks, with a deleted event for each")
  void deleteParent() {
    String parent = api.createTask(ada, "Trip").getString("id");
    String tickets = subtask(ada, parent, "Tickets").getString("id");
    String hotel = subtask(ada, parent, "Hotel").getString("id");
    assertThat(api.send(HttpMethod.DELETE, "/api/v1/tasks/" + parent, ada.token(), null).statusCode()).isEqualTo(204);
    for (String id : List.of(tickets, hotel, parent)) {
      assertThat(api.get("/api/v1/tasks/" + id, ada).statusCode()).isEqualTo(404);
      assertThat(api.count("SELECT count(*) FROM outbox WHERE event->>'subject' = $1 "
        + "AND event->>'type' = 'taskflow.task.deleted'", id)).as(id).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("parent must be none or a task id; without a token it is a 401")
  void badQuery() {
    assertProblem(api.get("/api/v1/tasks?parent=someone", ada), 400, "parent");
    assertThat(api.send(HttpMethod.POST, "/api/v1/tasks", null, new JsonObject().put("title", "x")
      .put("parentId", UUID.randomUUID().toString())).statusCode()).isEqualTo(401);
  }
}
