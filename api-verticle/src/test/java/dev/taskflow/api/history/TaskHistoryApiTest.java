package dev.taskflow.api.history;

import dev.taskflow.api.TestApi;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.taskflow.api.TestApi.assertProblem;
import static dev.taskflow.api.TestApi.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A task's history in a shared project: every member reads it, as its account's (where the audit log keeps every
 * member's changes), anyone else gets the 404 of a missing task. The audit verticle is faked by a tiny one on
 * {@code audit.history} that answers from the outbox (what the audit log would hold, no broker in between) and
 * remembers whose history it was asked for. Projects and members are rows written with SQL.
 */
@DisplayName("A task's history in a shared project")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskHistoryApiTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  /** Answers history queries from the outbox: a user's events of one aggregate, in sequence order. */
  static final class OutboxAudit extends VerticleBase {

    final Queue<UUID> askedFor = new ConcurrentLinkedQueue<>();
    private final Pool sql;
    private MessageConsumer<JsonObject> consumer;

    OutboxAudit(Pool sql) {
      this.sql = sql;
    }

    @Override
    public Future<?> start() {
      consumer = vertx.eventBus().consumer(Addresses.AUDIT_HISTORY, this::answer);
      return consumer.completion();
    }

    private void answer(Message<JsonObject> message) {
      UUID userId = UUID.fromString(message.body().getString("userId"));
      askedFor.add(userId);
      sql.preparedQuery("""
          SELECT event FROM outbox WHERE user_id = $1 AND event->>'subject' = $2 AND sequence > $3
           ORDER BY sequence LIMIT $4""")
        .execute(Tuple.of(userId, message.body().getString("aggregateId"), message.body().getLong("afterSequence"),
          message.body().getInteger("limit")))
        .onSuccess(rows -> {
          JsonArray items = new JsonArray();
          rows.forEach(row -> items.add(row.getJsonObject(0)));
          message.reply(new JsonObject().put("items", items).putNull("nextAfterSequence"));
        })
        .onFailure(e -> message.fail(500, e.toString()));
    }
  }

  TestApi api;
  OutboxAudit audit;
  Session ada;
  Session bob;
  Session cy;
  Session dan;
  UUID trip;

  @BeforeAll
  void start() {
    api = new TestApi(db);
    audit = new OutboxAudit(api.sql);
    await(api.vertx.deployVerticle(audit));
    ada = api.register();
    bob = api.register();
    cy = api.register();
    dan = api.register();
    trip = UUID.randomUUID();
    api.query("INSERT INTO projects (id, user_id, name) VALUES ($1, $2, 'Trip')", trip, ada.userId());
    member(ada, "owner");
    member(bob, "editor");
    member(cy, "viewer");
  }

  @BeforeEach
  void forget() {
    audit.askedFor.clear();
  }

  @AfterAll
  void stop() {
    api.close();
  }

  private void member(Session user, String role) {
    api.query("INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)", trip, user.userId(),
      role);
  }

  private HttpResponse<Buffer> history(String taskId, Session session) {
    return api.get("/api/v1/tasks/" + taskId + "/events", session);
  }

  private static List<String> types(HttpResponse<Buffer> response) {
    return response.bodyAsJsonObject().getJsonArray("items").stream()
      .map(e -> ((JsonObject) e).getString("type")).toList();
  }

  @Test
  @DisplayName("an editor reads the account's history of a task, his own change included; a viewer reads it too; "
    + "a non-member gets 404 and the audit log is not asked")
  void members() {
    String id = api.createTask(ada, new JsonObject().put("title", "Book flights").put("projectId", trip.toString()))
      .getString("id");
    assertThat(api.send(HttpMethod.PATCH, "/api/v1/tasks/" + id, bob.token(),
      new JsonObject().put("title", "Book flights and trains")).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> bobs = history(id, bob);
    assertThat(bobs.statusCode()).as(bobs.bodyAsString()).isEqualTo(200);
    assertThat(types(bobs)).containsExactly(EventTypes.TASK_CREATED, EventTypes.TASK_UPDATED);
    JsonObject change = bobs.bodyAsJsonObject().getJsonArray("items").getJsonObject(1);
    assertThat(change.getString("userid")).isEqualTo(ada.userId().toString());
    assertThat(change.getJsonObject("data").getString("actorId")).isEqualTo(bob.userId().toString());
    assertThat(audit.askedFor).containsExactly(ada.userId());

    HttpResponse<Buffer> viewers = history(id, cy);
    assertThat(viewers.statusCode()).as(viewers.bodyAsString()).isEqualTo(200);
    assertThat(types(viewers)).containsExactly(EventTypes.TASK_CREATED, EventTypes.TASK_UPDATED);
    assertThat(types(history(id, ada))).containsExactly(EventTypes.TASK_CREATED, EventTypes.TASK_UPDATED);

    audit.askedFor.clear();
    assertProblem(history(id, dan), 404, "No task " + id);
    assertThat(audit.askedFor).as("a non-member's request reaches no history").isEmpty();
  }

  @Test
  @DisplayName("a deleted shared task's history is its account's: the account reads it, a former viewer of it 404")
  void deleted() {
    String id = api.createTask(ada, new JsonObject().put("title", "Rent a car").put("projectId", trip.toString()))
      .getString("id");
    assertThat(api.send(HttpMethod.DELETE, "/api/v1/tasks/" + id, bob.token(), null).statusCode()).isEqualTo(204);

    assertThat(types(history(id, ada))).containsExactly(EventTypes.TASK_CREATED, EventTypes.TASK_DELETED);
    assertProblem(history(id, bob), 404, "No task " + id);
    assertThat(audit.askedFor).containsExactly(ada.userId(), bob.userId());
  }

  @Test
  @DisplayName("a task in the caller's own Inbox is read as before, from the caller's own history")
  void ownInbox() {
    String id = api.createTask(dan, "Water the plants").getString("id");

    assertThat(types(history(id, dan))).containsExactly(EventTypes.TASK_CREATED);
    assertProblem(history(id, bob), 404, "No task " + id);
    assertThat(audit.askedFor).containsExactly(dan.userId());
  }
}
