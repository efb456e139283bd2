package dev.taskflow.api.projects;

import dev.taskflow.api.TestApi;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.taskflow.api.TestApi.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code /projects} API: who may read, rename, delete and share a project, every refusal with its status and
 * reason (changing nothing), the events under the project's account, and the revocations the live bridges act on.
 */
@DisplayName("Projects API: create, share, leave, delete")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectsApiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  TestApi api;
  /** What the API published on projects.access.revoked, cleared before each test (they run one at a time). */
  final List<JsonObject> revoked = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() {
    api = new TestApi(db);
    api.vertx.eventBus().<JsonObject>consumer(Addresses.PROJECTS_ACCESS_REVOKED, m -> revoked.add(m.body()));
  }

  @BeforeEach
  void clear() {
    revoked.clear();
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private HttpResponse<Buffer> create(Session session, String name) {
    return api.post("/api/v1/projects", session, new JsonObject().put("name", name));
  }

  private String project(Session session, String name) {
    HttpResponse<Buffer> response = create(session, name);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    return response.bodyAsJsonObject().getString("id");
  }

  private HttpResponse<Buffer> share(Session owner, String project, Session with, String role) {
    return api.post("/api/v1/projects/" + project + "/members", owner,
      new JsonObject().put("email", with.email()).put("role", role));
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, Session session, JsonObject body) {
    return api.send(method, "/api/v1/projects/" + path, session.token(), body);
  }

  private List<String> names(Session session) {
    HttpResponse<Buffer> response = api.get("/api/v1/projects", session);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    response.bodyAsJsonObject().getJsonArray("items").forEach(item -> names.add(((JsonObject) item).getString("name")));
    return names;
  }

  /** Waits (up to 5 s) for that many revocations: they are published as the answer is sent. */
  private void revocations(int expected) {
    long deadline = System.currentTimeMillis() + 5_000;
    while (revoked.size() < expected && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(revoked).hasSize(expected);
  }

  private List<Row> events(String type, String project) {
    List<Row> rows = new ArrayList<>();
    api.query("SELECT user_id, event FROM outbox WHERE event->>'type' = $1 AND event->>'subject' = $2 "
      + "ORDER BY position", type, project).forEach(rows::add);
    return rows;
  }

  private long eventsOf(String project) {
    return api.count("SELECT count(*) FROM outbox WHERE event->>'subject' = $1", project);
  }

  @Test
  @DisplayName("a new project is its creator's own, listed after the Inbox by name, with an event under its account")
  void createAndList() {
    Session ada = api.register();
    HttpResponse<Buffer> response = create(ada, "  Trip  ");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
    JsonObject trip = response.bodyAsJsonObject();
    assertThat(response.getHeader("Location")).isEqualTo("/api/v1/projects/" + trip.getString("id"));
    assertThat(response.getHeader("ETag")).isEqualTo("\"1\"");
    assertThat(trip.getString("name")).isEqualTo("Trip");
    assertThat(trip.getBoolean("inbox")).isFalse();
    assertThat(trip.getString("role")).isEqualTo("owner");
    assertThat(trip.getString("ownerId")).isEqualTo(ada.userId().toString());
    assertThat(trip.getLong("memberCount")).isEqualTo(1);
    project(ada, "Admin");
    assertThat(names(ada)).containsExactly("Inbox", "Admin", "Trip");

    List<Row> created = events("taskflow.project.created", trip.getString("id"));
    assertThat(created).hasSize(1);
    assertThat(created.get(0).getUUID("user_id")).isEqualTo(ada.userId());
    JsonObject data = created.get(0).getJsonObject("event").getJsonObject("data");
    assertThat(data.getString("actorId")).isEqualTo(ada.userId().toString());
    assertThat(data.getJsonObject("project").getString("name")).isEqualTo("Trip");
    assertThat(data.getJsonObject("project").containsKey("role")).isFalse();

    JsonObject got = api.get("/api/v1/projects/" + trip.getString("id"), ada).bodyAsJsonObject();
    assertThat(got).isEqualTo(trip);
  }

  @Test
  @DisplayName("bad names, ids and tokens are 400s and 401s; someone else's project is a 404")
  void refusals() {
    Session ada = api.register();
    Session dan = api.register();
    String trip = project(ada, "Trip");
    assertProblem(create(ada, "   "), 400, "name");
    assertProblem(create(ada, "n".repeat(101)), 400, "name");
    assertProblem(api.post("/api/v1/projects", ada, new JsonObject()), 400, "name");
    assertProblem(api.post("/api/v1/projects", ada, new JsonObject().put("name", "x").put("inbox", true)), 400, "");
    assertThat(api.send(HttpMethod.GET, "/api/v1/projects", null, null).statusCode()).isEqualTo(401);
    assertProblem(api.get("/api/v1/projects/not-a-uuid", ada), 400, "");
    assertProblem(api.get("/api/v1/projects/" + trip, dan), 404, "No project " + trip);
    assertProblem(api.get("/api/v1/projects/" + trip + "/members", dan), 404, "No project " + trip);
    assertProblem(send(HttpMethod.PATCH, trip, dan, new JsonObject().put("name", "Mine")), 404, "No project");
    assertProblem(send(HttpMethod.DELETE, trip, dan, null), 404, "No project");
    assertProblem(share(dan, trip, dan, "owner"), 404, "No project");
    assertThat(names(dan)).containsExactly("Inbox");
    assertThat(eventsOf(trip)).isEqualTo(1);
  }

  @Test
  @DisplayName("owners rename (If-Match checked), others may not; the Inbox keeps its name")
  void rename() {
    Session ada = api.register();
    Session bob = api.register();
    String trip = project(ada, "Trip");
    assertThat(share(ada, trip, bob, "editor").statusCode()).isEqualTo(201);

    HttpResponse<Buffer> renamed = api.send(HttpMethod.PATCH, "/api/v1/projects/" + trip, ada.token(),
      new JsonObject().put("name", "Holiday"), Map.of("If-Match", "\"1\""));
    assertThat(renamed.statusCode()).as(renamed.bodyAsString()).isEqualTo(200);
    assertThat(renamed.bodyAsJsonObject().getString("name")).isEqualTo("Holiday");
    assertThat(renamed.bodyAsJsonObject().getInteger("version")).isEqualTo(2);
    assertThat(renamed.getHeader("ETag")).isEqualTo("\"2\"");
    assertThat(events("taskflow.project.updated", trip)).hasSize(1);

    assertProblem(api.send(HttpMethod.PATCH, "/api/v1/projects/" + trip, ada.token(),
      new JsonObject().put("name", "Stale"), Map.of("If-Match", "\"1\"")), 412, "version 2");
    assertProblem(send(HttpMethod.PATCH, trip, bob, new JsonObject().put("name", "Bob's")), 403, "owners");
    // the same name again changes nothing
    assertThat(send(HttpMethod.PATCH, trip, ada, new JsonObject().put("name", "Holiday")).bodyAsJsonObject()
      .getInteger("version")).isEqualTo(2);
    assertThat(events("taskflow.project.updated", trip)).hasSize(1);

    String inbox = inbox(ada);
    assertProblem(send(HttpMethod.PATCH, inbox, ada, new JsonObject().put("name", "Mail")), 409, "Inbox");
    assertThat(names(ada)).containsExactly("Inbox", "Holiday");
    assertThat(names(bob)).containsExactly("Inbox", "Holiday");
  }

  private String inbox(Session session) {
    return api.query("SELECT id FROM projects WHERE user_id = $1 AND inbox", session.userId()).iterator().next()
      .getUUID(0).toString();
  }

  @Test
  @DisplayName("sharing by e-mail: members see it with their role; every refusal says why and changes nothing")
  void share() {
    Session ada = api.register();
    Session bob = api.register();
    Session cy = api.register();
    String trip = project(ada, "Trip");

    HttpResponse<Buffer> added = api.post("/api/v1/projects/" + trip + "/members", ada,
      new JsonObject().put("email", bob.email().toUpperCase()));
    assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
    JsonObject member = added.bodyAsJsonObject();
    assertThat(member.getString("userId")).isEqualTo(bob.userId().toString());
    assertThat(member.getString("role")).isEqualTo("editor");
    assertThat(member.getString("email")).isEqualTo(bob.email());
    assertThat(added.getHeader("Location")).isEqualTo("/api/v1/projects/" + trip + "/members/" + bob.userId());
    List<Row> addedEvents = events("taskflow.project.member.added", trip);
    assertThat(addedEvents).hasSize(1);
    assertThat(addedEvents.get(0).getUUID("user_id")).isEqualTo(ada.userId());
    assertThat(addedEvents.get(0).getJsonObject("event").getJsonObject("data").getJsonObject("member"))
      .isEqualTo(new JsonObject().put("userId", bob.userId().toString()).put("role", "editor"));
    assertThat(api.count("SELECT added_seq FROM project_members WHERE project_id = $1 AND user_id = $2",
      UUID.fromString(trip), bob.userId())).as("the membership from its event on (webhooks)")
      .isEqualTo(addedEvents.get(0).getJsonObject("event").getLong("sequence"));

    JsonObject seen = api.get("/api/v1/projects/" + trip, bob).bodyAsJsonObject();
    assertThat(seen.getString("role")).isEqualTo("editor");
    assertThat(seen.getLong("memberCount")).isEqualTo(2);
    assertThat(seen.getString("ownerId")).isEqualTo(ada.userId().toString());
    JsonArray members = api.get("/api/v1/projects/" + trip + "/members", bob).bodyAsJsonObject().getJsonArray("items");
    assertThat(members).hasSize(2);
    assertThat(members.getJsonObject(0).getString("userId")).isEqualTo(ada.userId().toString());
    assertThat(members.getJsonObject(0).getString("role")).isEqualTo("owner");
    // an editor changes the project's tasks
    assertThat(api.post("/api/v1/tasks", bob, new JsonObject().put("title", "Ferry").put("projectId", trip))
      .statusCode()).isEqualTo(201);

    long before = eventsOf(trip);
    assertProblem(share(ada, trip, bob, "viewer"), 409, "member of project " + trip + " already");
    assertProblem(api.post("/api/v1/projects/" + trip + "/members", ada,
      new JsonObject().put("email", "nobody-" + UUID.randomUUID() + "@example.com")), 404, "No account with e-mail");
    assertProblem(share(ada, trip, cy, "boss"), 400, "role");
    assertProblem(share(bob, trip, cy, "viewer"), 403, "owners");
    assertProblem(share(ada, inbox(ada), cy, "viewer"), 409, "Inbox cannot be shared");
    assertThat(eventsOf(trip)).isEqualTo(before);
    assertProblem(api.get("/api/v1/projects/" + trip, cy), 404, "No project");
  }

  @Test
  @DisplayName("roles change by an owner; the project's account stays owner; a viewer may not write")
  void roles() {
    Session ada = api.register();
    Session bob = api.register();
    Session cy = api.register();
    String trip = project(ada, "Trip");
    share(ada, trip, bob, "editor");
    String path = trip + "/members/";

    HttpResponse<Buffer> changed = send(HttpMethod.PATCH, path + bob.userId(), ada, new JsonObject().put("role",
      "viewer"));
    assertThat(changed.statusCode()).as(changed.bodyAsString()).isEqualTo(200);
    assertThat(changed.bodyAsJsonObject().getString("role")).isEqualTo("viewer");
    assertThat(events("taskflow.project.member.updated", trip)).hasSize(1);
    assertProblem(api.post("/api/v1/tasks", bob, new JsonObject().put("title", "x").put("projectId", trip)), 403,
      "viewer");
    assertProblem(send(HttpMethod.PATCH, path + bob.userId(), bob, new JsonObject().put("role", "owner")), 403,
      "owners");
    assertProblem(send(HttpMethod.PATCH, path + ada.userId(), ada, new JsonObject().put("role", "editor")), 409,
      "stays its owner");
    assertProblem(send(HttpMethod.PATCH, path + cy.userId(), ada, new JsonObject().put("role", "editor")), 404,
      "No member " + cy.userId());
    assertProblem(send(HttpMethod.PATCH, path + bob.userId(), ada, new JsonObject()), 400, "role");

    // a second owner manages members too, but cannot demote the account
    send(HttpMethod.PATCH, path + bob.userId(), ada, new JsonObject().put("role", "owner"));
    assertThat(share(bob, trip, cy, "viewer").statusCode()).isEqualTo(201);
    assertProblem(send(HttpMethod.PATCH, path + ada.userId(), bob, new JsonObject().put("role", "viewer")), 409,
      "stays its owner");
    assertProblem(send(HttpMethod.DELETE, path + ada.userId(), bob, null), 409, "cannot leave");
    assertThat(events("taskflow.project.member.updated", trip)).hasSize(2);
  }

  @Test
  @DisplayName("leaving and removal: the member's reminders go, they find nothing after, the bridges are told")
  void removal() {
    Session ada = api.register();
    Session bob = api.register();
    Session cy = api.register();
    String trip = project(ada, "Trip");
    share(ada, trip, bob, "editor");
    share(ada, trip, cy, "editor");
    String task = api.post("/api/v1/tasks", ada, new JsonObject().put("title", "Ferry").put("projectId", trip)
      .put("dueAt", "2030-01-01T10:00:00Z")).bodyAsJsonObject().getString("id");
    assertThat(api.post("/api/v1/tasks/" + task + "/reminders", bob, new JsonObject().put("offset", "-PT1H"))
      .statusCode()).isEqualTo(201);
    String path = trip + "/members/";

    assertProblem(send(HttpMethod.DELETE, path + bob.userId(), cy, null), 403, "owners");
    assertProblem(send(HttpMethod.DELETE, path + ada.userId(), ada, null), 409, "cannot leave");
    assertProblem(send(HttpMethod.DELETE, path + UUID.randomUUID(), ada, null), 404, "No member");
    assertThat(revoked).isEmpty();

    assertThat(send(HttpMethod.DELETE, path + bob.userId(), bob, null).statusCode()).isEqualTo(204);
    assertThat(api.count("SELECT count(*) FROM reminders WHERE user_id = $1", bob.userId())).isZero();
    assertProblem(api.get("/api/v1/tasks/" + task, bob), 404, "No task");
    assertProblem(api.get("/api/v1/projects/" + trip, bob), 404, "No project");
    revocations(1);
    assertThat(revoked.get(0)).isEqualTo(new JsonObject().put("projectId", trip)
      .put("userIds", new JsonArray().add(bob.userId().toString())));
    List<Row> removed = events("taskflow.project.member.removed", trip);
    assertThat(removed).hasSize(1);
    JsonObject data = removed.get(0).getJsonObject("event").getJsonObject("data");
    assertThat(data.getString("actorId")).isEqualTo(bob.userId().toString());
    assertThat(data.getJsonObject("member").getString("userId")).isEqualTo(bob.userId().toString());

    assertThat(send(HttpMethod.DELETE, path + cy.userId(), ada, null).statusCode()).isEqualTo(204);
    assertThat(api.get("/api/v1/projects/" + trip, ada).bodyAsJsonObject().getLong("memberCount")).isEqualTo(1);
  }

  @Test
  @DisplayName("deleting: only an empty project, only by an owner, never the Inbox; its members lose it at once")
  void delete() {
    Session ada = api.register();
    Session bob = api.register();
    String trip = project(ada, "Trip");
    share(ada, trip, bob, "editor");
    String task = api.post("/api/v1/tasks", bob, new JsonObject().put("title", "Ferry").put("projectId", trip))
      .bodyAsJsonObject().getString("id");

    assertProblem(send(HttpMethod.DELETE, trip, ada, null), 409, "still has 1 task");
    assertProblem(send(HttpMethod.DELETE, trip, bob, null), 403, "owners");
    assertProblem(send(HttpMethod.DELETE, inbox(ada), ada, null), 409, "Inbox cannot be deleted");
    assertThat(api.send(HttpMethod.DELETE, "/api/v1/tasks/" + task, bob.token(), null).statusCode()).isEqualTo(204);
    assertProblem(api.send(HttpMethod.DELETE, "/api/v1/projects/" + trip, ada.token(), null,
      Map.of("If-Match", "\"7\"")), 412, "version 1");
    assertThat(revoked).isEmpty();

    HttpResponse<Buffer> deleted = api.send(HttpMethod.DELETE, "/api/v1/projects/" + trip, ada.token(), null,
      Map.of("If-Match", "\"1\""));
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(204);
    assertProblem(api.get("/api/v1/projects/" + trip, ada), 404, "No project");
    assertThat(names(bob)).containsExactly("Inbox");
    revocations(1);
    assertThat(revoked.get(0).getJsonArray("userIds")).containsExactly(bob.userId().toString());
    JsonObject data = events("taskflow.project.deleted", trip).get(0).getJsonObject("event").getJsonObject("data");
    assertThat(data.getJsonArray("memberIds")).containsExactlyInAnyOrder(ada.userId().toString(),
      bob.userId().toString());
  }

  @Test
  @DisplayName("limits: 100 projects an account, 50 members a project")
  void limits() {
    Session ada = api.register();
    // 98 more besides the Inbox and the one made below
    api.query("INSERT INTO projects (id, user_id, name) SELECT gen_random_uuid(), $1, 'P' || n "
      + "FROM generate_series(1, 98) n", ada.userId());
    String last = project(ada, "The hundredth");
    assertProblem(create(ada, "One too many"), 409, "100 projects");

    List<Session> others = new ArrayList<>();
    for (int i = 0; i < 49; i++) {
      others.add(api.register());
    }
    others.forEach(other -> api.query("INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, "
      + "'viewer')", UUID.fromString(last), other.userId()));
    assertProblem(share(ada, last, api.register(), "viewer"), 409, "50 members");
  }

  /** The status codes of these calls, made at once. */
  private static List<Integer> atOnce(List<java.util.function.Supplier<HttpResponse<Buffer>>> calls) {
    ExecutorService threads = Executors.newFixedThreadPool(calls.size());
    try {
      List<CompletableFuture<HttpResponse<Buffer>>> answers = calls.stream()
        .map(call -> CompletableFuture.supplyAsync(call, threads)).toList();
      return answers.stream().map(answer -> answer.join().statusCode()).toList();
    } finally {
      threads.shutdown();
    }
  }

  private java.util.function.Supplier<HttpResponse<Buffer>> deleteAccount(Session session) {
    return () -> api.send(HttpMethod.DELETE, "/api/v1/me", session.token(),
      new JsonObject().put("password", "correct horse battery staple"));
  }

  @Test
  @DisplayName("races: additions at once stop at 50 members; accounts sharing with each other deleted at once; a "
    + "member added, or removed, while deleting their account: never a 5xx, never a limit passed, one event each")
  void races() {
    Session ada = api.register();
    String crowded = project(ada, "Crowded");
    api.query("WITH made AS (INSERT INTO users (id, email, display_name) SELECT gen_random_uuid(), "
      + "'crowd' || n || '-' || $2 || '@example.com', 'Crowd ' || n FROM generate_series(1, 47) n RETURNING id) "
      + "INSERT INTO project_members (project_id, user_id, role) SELECT $1, id, 'viewer' FROM made",
      UUID.fromString(crowded), UUID.randomUUID().toString());
    List<Session> late = List.of(api.register(), api.register(), api.register(), api.register(), api.register());
    List<Integer> added = atOnce(late.stream()
      .<java.util.function.Supplier<HttpResponse<Buffer>>>map(other -> () -> share(ada, crowded, other, "viewer"))
      .toList());
    assertThat(added).as("201 for the two places left, 409 for the rest").containsOnly(201, 409)
      .filteredOn(status -> status == 201).hasSize(2);
    assertThat(api.count("SELECT count(*) FROM project_members WHERE project_id = $1", UUID.fromString(crowded)))
      .isEqualTo(50);

    for (int round = 0; round < 4; round++) {
      Session bob = api.register();
      Session cy = api.register();
      share(bob, project(bob, "Bob's"), cy, "editor");
      share(cy, project(cy, "Cy's"), bob, "viewer");
      assertThat(atOnce(List.of(deleteAccount(bob), deleteAccount(cy)))).as("round " + round).containsOnly(204);
      assertThat(api.count("SELECT count(*) FROM users WHERE id = ANY($1)",
        (Object) new UUID[]{bob.userId(), cy.userId()})).isZero();

      Session dan = api.register();
      String trip = project(ada, "Trip " + round);
      List<Integer> raced = atOnce(List.of(() -> share(ada, trip, dan, "editor"), deleteAccount(dan)));
      assertThat(raced.get(0)).as("the addition, round " + round).isIn(201, 404);
      assertThat(raced.get(1)).as("the deletion, round " + round).isEqualTo(204);
      assertThat(api.count("SELECT count(*) FROM project_members WHERE user_id = $1", dan.userId())).isZero();

      // removed by the owner while deleting their account: one member.removed, whichever commits first
      Session eve = api.register();
      String camp = project(ada, "Camp " + round);
      share(ada, camp, eve, "viewer");
      List<Integer> left = atOnce(List.of(
        () -> send(HttpMethod.DELETE, camp + "/members/" + eve.userId(), ada, null), deleteAccount(eve)));
      assertThat(left.get(0)).as("the removal, round " + round).isIn(204, 404);
      assertThat(left.get(1)).as("the deletion, round " + round).isEqualTo(204);
      assertThat(events("taskflow.project.member.removed", camp)).as("round " + round).hasSize(1);
    }
  }

  @Test
  @DisplayName("deleting an account deletes its shared projects for their members and leaves the others'")
  void accountDeletion() {
    Session ada = api.register();
    Session bob = api.register();
    String adas = project(ada, "Ada's");
    share(ada, adas, bob, "editor");
    String bobs = project(bob, "Bob's");
    share(bob, bobs, ada, "viewer");

    HttpResponse<Buffer> gone = api.send(HttpMethod.DELETE, "/api/v1/me", ada.token(),
      new JsonObject().put("password", "correct horse battery staple"));
    assertThat(gone.statusCode()).as(gone.bodyAsString()).isEqualTo(204);
    assertThat(names(bob)).containsExactly("Inbox", "Bob's");
    assertThat(api.get("/api/v1/projects/" + bobs, bob).bodyAsJsonObject().getLong("memberCount")).isEqualTo(1);
    revocations(1);
    assertThat(revoked).containsExactly(new JsonObject().put("projectId", adas)
      .put("userIds", new JsonArray().add(bob.userId().toString())));

    List<Row> deleted = events("taskflow.project.deleted", adas);
    assertThat(deleted).hasSize(1);
    assertThat(deleted.get(0).getUUID("user_id")).isEqualTo(ada.userId());
    List<Row> left = events("taskflow.project.member.removed", bobs);
    assertThat(left).hasSize(1);
    assertThat(left.get(0).getUUID("user_id")).isEqualTo(bob.userId());
    assertThat(left.get(0).getJsonObject("event").getJsonObject("data").getJsonObject("member").getString("userId"))
      .isEqualTo(ada.userId().toString());
  }
}
