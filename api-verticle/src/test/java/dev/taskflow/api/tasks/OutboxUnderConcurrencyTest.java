package dev.taskflow.api.tasks;

import dev.taskflow.api.TestApi;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
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

import static dev.taskflow.api.TestApi.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The outbox under 50 concurrent writers of one user")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxUnderConcurrencyTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  static final int WRITERS = 50;
  static final int ROUNDS = 4;

  TestApi api;

  @BeforeAll
  void start() {
    api = new TestApi(db);
  }

  @AfterAll
  void stop() {
    api.close();
  }

  /** One writer: create a task, rename it, complete it, reopen it... ROUNDS times. Every call is one mutation. */
  private Future<Integer> writer(Session session, int n) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (int round = 0; round < ROUNDS; round++) {
      int r = round;
      chain = chain.compose(done -> post(session, "/api/v1/tasks", new JsonObject().put("title", "w" + n + "r" + r))
        .compose(created -> {
          String id = created.bodyAsJsonObject().getString("id");
          return patch(session, id, new JsonObject().put("title", "w" + n + "r" + r + " renamed"))
            .compose(x -> post(session, "/api/v1/tasks/" + id + "/complete", null))
            .compose(x -> post(session, "/api/v1/tasks/" + id + "/reopen", null));
        })
        .map(x -> done + 4));
    }
    return chain;
  }

  private Future<HttpResponse<Buffer>> post(Session s, String path, JsonObject body) {
    var request = api.client.post(path).putHeader("Authorization", "Bearer " + s.token());
    return (body == null ? request.send() : request.sendJsonObject(body)).map(this::ok);
  }

  private Future<HttpResponse<Buffer>> patch(Session s, String id, JsonObject body) {
    return api.client.patch("/api/v1/tasks/" + id).putHeader("Authorization", "Bearer " + s.token())
      .sendJsonObject(body).map(this::ok);
  }

  private HttpResponse<Buffer> ok(HttpResponse<Buffer> response) {
    if (response.statusCode() >= 300) {
      throw new AssertionError(response.statusCode() + " " + response.bodyAsString());
    }
    return response;
  }

  @Test
  @DisplayName("each mutation has exactly one outbox row and the user's sequence is 1..N, gapless and unique")
  void gaplessSequence() {
    Session session = api.register();
    Session bystander = api.register();
    api.createTask(bystander, "not in the count");

    List<Future<Integer>> writers = new ArrayList<>();
    for (int n = 0; n < WRITERS; n++) {
      writers.add(writer(session, n));
    }
    int mutations = await(Future.all(writers)).<Integer>list().stream().mapToInt(Integer::intValue).sum();

    assertThat(mutations).isEqualTo(WRITERS * ROUNDS * 4);
    var stats = api.query("""
      SELECT count(*), count(DISTINCT sequence), min(sequence), max(sequence), count(DISTINCT event_id)
        FROM outbox WHERE user_id = $1""", session.userId()).iterator().next();
    assertThat(stats.getLong(0)).as("outbox rows").isEqualTo(mutations);
    assertThat(stats.getLong(1)).as("distinct sequences").isEqualTo(mutations);
    assertThat(stats.getLong(2)).as("first sequence").isEqualTo(1);
    assertThat(stats.getLong(3)).as("last sequence").isEqualTo(mutations);
    assertThat(stats.getLong(4)).as("distinct event ids").isEqualTo(mutations);
    assertThat(api.count("SELECT event_seq FROM users WHERE id = $1", session.userId())).isEqualTo(mutations);
    // the sequence in the stored CloudEvent is the row's
    assertThat(api.count("SELECT count(*) FROM outbox WHERE user_id = $1 AND (event->>'sequence')::bigint <> sequence",
      session.userId())).isZero();
    // per task, the events are in the order the writer made them
    assertThat(api.count("""
      SELECT count(*) FROM (
        SELECT event->>'subject' AS task, string_agg(event->>'type', ',' ORDER BY sequence) AS types
          FROM outbox WHERE user_id = $1 GROUP BY 1) t
       WHERE types <> 'taskflow.task.created,taskflow.task.updated,taskflow.task.completed,taskflow.task.reopened'
      """, session.userId())).isZero();
    assertThat(api.count("SELECT max(sequence) FROM outbox WHERE user_id = $1", bystander.userId())).isEqualTo(1);
    // outbox position order is the user's sequence order: what the relay's publication order rests on
    assertThat(api.count("""
      SELECT count(*) FROM (
        SELECT sequence, row_number() OVER (ORDER BY position) AS nth FROM outbox WHERE user_id = $1) o
       WHERE sequence <> nth""", session.userId())).isZero();
  }
}
