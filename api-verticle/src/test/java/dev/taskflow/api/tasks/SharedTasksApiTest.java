package dev.taskflow.api.tasks;

import dev.taskflow.api.TestApi;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
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

/**
 * The tasks side of projects: a project's tasks are its members' (owners and editors change them, viewers look, anyone
 * else finds nothing), they are its account's rows and events, and a task moves between one account's projects only.
 * The projects are made with SQL here (the projects API has its own test), as the membership is all the tasks need.
 */
@DisplayName("Tasks in shared projects: membership decides")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedTasksApiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  TestApi api;
  Session ada;
  Session bob;
  Session cy;
  Session dan;
  UUID trip;

  @BeforeAll
  void start() {
    api = new TestApi(db);
    ada = api.register();
    bob = api.register();
    cy = api.register();
    dan = api.register();
    trip = project(ada, "Trip");
    member(trip, bob, "editor");
    member(trip, cy, "viewer");
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private UUID project(Session owner, String name) {
    UUID id = UUID.randomUUID();
    api.query("INSERT INTO projects (id, user_id, name) VALUES ($1, $2, $3)", id, owner.userId(), name);
    member(id, owner, "owner");
    return id;
  }

  private void member(UUID project, Session user, String role) {
    api.query("INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)", project, user.userId(),
      role);
  }

  private UUID inbox(Session user) {
    return api.query("SELECT id FROM projects WHERE user_id = $1 AND inbox", user.userId()).iterator().next()
      .getUUID(0);
  }

  private JsonObject inTrip(Session session, String title) {
    return api.createTask(session, new JsonObject().put("title", title).put("projectId", trip.toString()));
  }

  private HttpResponse<Buffer> patch(Session session, String id, JsonObject body) {
    return api.send(HttpMethod.PATCH, "/api/v1/tasks/" + id, session.token(), body);
  }

  private List<String> ids(Session session, String query) {
    HttpResponse<Buffer> response = api.get("/api/v1/tasks" + query, session);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    response.bodyAsJsonObject().getJsonArray("items").forEach(item -> ids.add(((JsonObject) item).getString("id")));
    return ids;
  }

  private Row event(String type, String subject) {
    return api.query("SELECT user_id, event FROM outbox WHERE event->>'type' = $1 AND event->>'subject' = $2 "
      + "ORDER BY position DESC LIMIT 1", type, subject).iterator().next();
  }

  @Test
  @DisplayName("a new account's tasks go to its Inbox; projectId names another project the caller may change")
  void createInProjects() {
    JsonObject plain = api.createTask(dan, "Plain");
    assertThat(plain.getString("projectId")).isEqualTo(inbox(dan).toString());
    JsonObject byBob = inTrip(bob, "Book the ferry");
    assertThat(byBob.getString("projectId")).isEqualTo(trip.toString());
    // the account's row and event, naming who did it
    assertThat(api.query("SELECT user_id FROM tasks WHERE id = $1", UUID.fromString(byBob.getString("id")))
      .iterator().next().getUUID(0)).isEqualTo(ada.userId());
    Row created = event("taskflow.task.created", byBob.getString("id"));
    assertThat(created.getUUID("user_id")).isEqualTo(ada.userId());
    JsonObject data = created.getJsonObject("event").getJsonObject("data");
    assertThat(data.getString("actorId")).isEqualTo(bob.userId().toString());
    assertThat(data.getJsonObject("task").getString("projectId")).isEqualTo(trip.toString());

    JsonObject body = new JsonObject().put("title", "x").put("projectId", trip.toString());
    assertProblem(api.post("/api/v1/tasks", cy, body), 403, "viewer");
    assertProblem(api.post("/api/v1/tasks", dan, body), 404, "No project " + trip);
    assertProblem(api.post("/api/v1/tasks", bob, body.copy().put("projectId", inbox(ada).toString())), 404,
      "No project");
    assertProblem(api.post("/api/v1/tasks", bob, body.copy().put("projectId", "not-a-uuid-but-thirty-six-chars-xxx")),
      400, "projectId");
  }

  @Test
  @DisplayName("members see a project's tasks, in the list and one by one; a non-member finds nothing")
  void visibility() {
    String id = inTrip(ada, "Pack").getString("id");
    String adasOwn = api.createTask(ada, "Ada's own").getString("id");
    assertThat(api.get("/api/v1/tasks/" + id, bob).statusCode()).isEqualTo(200);
    assertThat(api.get("/api/v1/tasks/" + id, cy).statusCode()).isEqualTo(200);
    assertProblem(api.get("/api/v1/tasks/" + id, dan), 404, "No task " + id);
    assertThat(ids(bob, "")).contains(id).doesNotContain(adasOwn);
    assertThat(ids(bob, "?projectId=" + trip)).contains(id);
    assertThat(ids(ada, "?projectId=" + inbox(ada))).contains(adasOwn).doesNotContain(id);
    assertThat(ids(dan, "")).doesNotContain(id, adasOwn);
    assertProblem(api.get("/api/v1/tasks?projectId=" + trip, dan), 404, "No project " + trip);
    assertProblem(api.get("/api/v1/tasks?projectId=" + inbox(ada), bob), 404, "No project");
    assertProblem(api.get("/api/v1/tasks?projectId=nope", bob), 400, "projectId");
  }

  @Test
  @DisplayName("editors change a project's tasks, viewers get 403 for every change, non-members 404")
  void changes() {
    String id = inTrip(ada, "Buy maps").getString("id");
    assertThat(patch(bob, id, new JsonObject().put("title", "Buy good maps")).statusCode()).isEqualTo(200);
    Row updated = event("taskflow.task.updated", id);
    assertThat(updated.getUUID("user_id")).isEqualTo(ada.userId());
    assertThat(updated.getJsonObject("event").getJsonObject("data").getString("actorId"))
      .isEqualTo(bob.userId().toString());
    assertThat(api.post("/api/v1/tasks/" + id + "/complete", bob, null).statusCode()).isEqualTo(200);
    assertThat(api.post("/api/v1/tasks/" + id + "/reopen", bob, null).statusCode()).isEqualTo(200);

    assertProblem(patch(cy, id, new JsonObject().put("title", "mine")), 403, "viewer");
    assertProblem(api.post("/api/v1/tasks/" + id + "/complete", cy, null), 403, "viewer");
    assertProblem(api.send(HttpMethod.DELETE, "/api/v1/tasks/" + id, cy.token(), null), 403, "viewer");
    assertProblem(api.post("/api/v1/tasks", cy, new JsonObject().put("title", "s").put("parentId", id)), 403,
      "viewer");
    assertProblem(patch(dan, id, new JsonObject().put("title", "mine")), 404, "No task");
    assertProblem(api.send(HttpMethod.DELETE, "/api/v1/tasks/" + id, dan.token(), null), 404, "No task");
    assertThat(api.get("/api/v1/tasks/" + id, ada).bodyAsJsonObject().getString("title")).isEqualTo("Buy good maps");

    assertThat(api.send(HttpMethod.DELETE, "/api/v1/tasks/" + id, bob.token(), null).statusCode()).isEqualTo(204);
    assertThat(event("taskflow.task.deleted", id).getUUID("user_id")).isEqualTo(ada.userId());
  }

  @Test
  @DisplayName("a top-level task moves with its subtasks between one account's projects, and nowhere else")
  void moves() {
    JsonObject parent = api.createTask(ada, "Visa");
    String parentId = parent.getString("id");
    JsonObject sub = api.createTask(ada, new JsonObject().put("title", "Photos").put("parentId", parentId));
    assertThat(sub.getString("projectId")).isEqualTo(inbox(ada).toString());
    HttpResponse<Buffer> moved = patch(ada, parentId, new JsonObject().put("projectId", trip.toString()));
    assertThat(moved.statusCode()).as(moved.bodyAsString()).isEqualTo(200);
    assertThat(moved.bodyAsJsonObject().getString("projectId")).isEqualTo(trip.toString());
    assertThat(api.get("/api/v1/tasks/" + sub.getString("id"), bob).bodyAsJsonObject().getString("projectId"))
      .isEqualTo(trip.toString());
    JsonObject followed = event("taskflow.task.updated", sub.getString("id")).getJsonObject("event")
      .getJsonObject("data");
    assertThat(followed.getJsonObject("changes").getJsonObject("projectId").getString("new"))
      .isEqualTo(trip.toString());
    // the moved task is first in its new project's own order
    assertThat(ids(bob, "?sort=manual&projectId=" + trip).get(0)).isEqualTo(parentId);

    assertProblem(patch(ada, sub.getString("id"), new JsonObject().put("projectId", inbox(ada).toString())), 422,
      "parent's project");
    assertProblem(patch(bob, parentId, new JsonObject().put("projectId", inbox(bob).toString())), 409,
      "another account");
    assertProblem(patch(bob, parentId, new JsonObject().put("projectId", inbox(dan).toString())), 404, "No project");
    assertProblem(patch(bob, parentId, new JsonObject().putNull("projectId")), 400, "projectId");
    assertProblem(api.post("/api/v1/tasks", bob, new JsonObject().put("title", "s").put("parentId", parentId)
      .put("projectId", inbox(ada).toString())), 422, "parent's project");
    // a subtask cannot be put under a parent of another project
    String inInbox = api.createTask(ada, "Inbox one").getString("id");
    assertProblem(patch(ada, inInbox, new JsonObject().put("parentId", parentId)), 404, "parent's project");
    // a subtask leaves with its parent's project when it becomes top-level in the same change
    HttpResponse<Buffer> out = patch(ada, sub.getString("id"), new JsonObject().putNull("parentId")
      .put("projectId", inbox(ada).toString()));
    assertThat(out.statusCode()).as(out.bodyAsString()).isEqualTo(200);
    assertThat(ids(bob, "")).doesNotContain(sub.getString("id"));
  }

  @Test
  @DisplayName("manual order is per project: moves among its tasks, neighbours from another project refused")
  void manualOrder() {
    UUID garden = project(ada, "Garden");
    member(garden, bob, "editor");
    List<String> made = new ArrayList<>();
    for (String title : List.of("dig", "sow", "water")) {
      made.add(api.createTask(ada, new JsonObject().put("title", title).put("projectId", garden.toString()))
        .getString("id"));
    }
    assertThat(ids(bob, "?sort=manual&projectId=" + garden)).containsExactly(made.get(2), made.get(1), made.get(0));
    HttpResponse<Buffer> move = api.post("/api/v1/tasks/" + made.get(2) + "/move", bob,
      new JsonObject().put("after", made.get(0)));
    assertThat(move.statusCode()).as(move.bodyAsString()).isEqualTo(200);
    assertThat(ids(ada, "?sort=manual&projectId=" + garden)).containsExactly(made.get(1), made.get(0), made.get(2));
    assertThat(event("taskflow.task.moved", made.get(2)).getUUID("user_id")).isEqualTo(ada.userId());
    String elsewhere = inTrip(ada, "elsewhere").getString("id");
    assertProblem(api.post("/api/v1/tasks/" + made.get(0) + "/move", bob, new JsonObject().put("after", elsewhere)),
      400, "same list");
    assertProblem(api.post("/api/v1/tasks/" + made.get(0) + "/move", cy, new JsonObject().put("after", made.get(1))),
      404, "No task");
    // without projectId the manual order is the caller's Inbox; a parent's subtasks are in the parent's project
    assertThat(ids(ada, "?sort=manual")).doesNotContain(made.toArray(String[]::new));
    String seeds = api.createTask(bob, new JsonObject().put("title", "seeds").put("parentId", made.get(1)))
      .getString("id");
    assertThat(ids(bob, "?sort=manual&parent=" + made.get(1))).containsExactly(seeds);
    assertProblem(api.get("/api/v1/tasks?sort=manual&parent=" + made.get(1), dan), 404, "No task");
  }

  @Test
  @DisplayName("reminders are their setter's: each member keeps their own on a shared task, a viewer too")
  void remindersPerMember() {
    String id = api.createTask(ada, new JsonObject().put("title", "Check in").put("projectId", trip.toString())
      .put("dueAt", "2031-05-01T10:00:00Z")).getString("id");
    JsonObject body = new JsonObject().put("offset", "-PT1H");
    assertThat(api.post("/api/v1/tasks/" + id + "/reminders", ada, body).statusCode()).isEqualTo(201);
    HttpResponse<Buffer> bobs = api.post("/api/v1/tasks/" + id + "/reminders", bob, body);
    assertThat(bobs.statusCode()).as(bobs.bodyAsString()).isEqualTo(201);
    assertThat(api.post("/api/v1/tasks/" + id + "/reminders", cy, body).statusCode()).isEqualTo(201);
    assertProblem(api.post("/api/v1/tasks/" + id + "/reminders", dan, body), 404, "No task");
    assertThat(api.get("/api/v1/tasks/" + id + "/reminders", bob).bodyAsJsonObject().getJsonArray("items"))
      .hasSize(1);
    assertThat(api.count("SELECT count(*) FROM reminders WHERE task_id = $1 AND user_id = $2", UUID.fromString(id),
      bob.userId())).isEqualTo(1);
    assertProblem(api.get("/api/v1/tasks/" + id + "/reminders", dan), 404, "No task");
    assertProblem(api.send(HttpMethod.DELETE, "/api/v1/tasks/" + id + "/reminders/"
      + bobs.bodyAsJsonObject().getString("id"), ada.token(), null), 404, "No reminder");
    // completing the task (by anyone who may) cancels every member's reminders on it
    assertThat(api.post("/api/v1/tasks/" + id + "/complete", bob, null).statusCode()).isEqualTo(200);
    assertThat(api.count("SELECT count(*) FROM reminders WHERE task_id = $1 AND state = 'pending'",
      UUID.fromString(id))).isZero();
  }
}
