package dev.taskflow.core.outbox;

import dev.taskflow.core.db.Database;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The outbox writer")
class OutboxWriterTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  Vertx vertx;
  Pool pool;
  OutboxWriter outbox = new OutboxWriter("test");

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    pool = Database.pool(vertx, db.settings());
  }

  @AfterEach
  void stop() throws Exception {
    await(pool.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private UUID newUser() throws Exception {
    UUID id = UUID.randomUUID();
    await(pool.preparedQuery("INSERT INTO users (id, email, display_name) VALUES ($1, $2, 'T')")
      .execute(Tuple.of(id, id + "@example.com")));
    return id;
  }

  private Future<TaskflowEvent> append(UUID user) {
    return pool.withTransaction(tx -> outbox.append(tx, user, EventTypes.TASK_CREATED, "s", null, new JsonObject()));
  }

  @Test
  @DisplayName("numbers a user's events 1, 2, 3 and stores the envelope with its row")
  void numbers() throws Exception {
    UUID user = newUser();
    assertThat(await(append(user)).sequence()).isEqualTo(1);
    assertThat(await(append(user)).sequence()).isEqualTo(2);
    TaskflowEvent third = await(append(user));
    assertThat(third.sequence()).isEqualTo(3);
    var row = await(pool.preparedQuery("SELECT topic, event_key, event FROM outbox WHERE event_id = $1")
      .execute(Tuple.of(third.id()))).iterator().next();
    assertThat(row.getString("topic")).isEqualTo("task-events");
    assertThat(row.getString("event_key")).isEqualTo(user.toString());
    assertThat(TaskflowEvent.fromJson(row.getJsonObject("event"))).isEqualTo(third);
  }

  @Test
  @DisplayName("a rolled-back transaction gives its sequence number back: no gap")
  void rollbackLeavesNoGap() throws Exception {
    UUID user = newUser();
    await(append(user));
    assertThatThrownBy(() -> await(pool.withTransaction(tx -> outbox.append(tx, user, EventTypes.TASK_CREATED, "s",
      null, new JsonObject()).compose(e -> Future.failedFuture("the change failed after its event")))))
      .hasMessageContaining("the change failed");
    assertThat(await(append(user)).sequence()).isEqualTo(2);
    assertThat(await(pool.preparedQuery("SELECT count(*) FROM outbox WHERE user_id = $1").execute(Tuple.of(user)))
      .iterator().next().getLong(0)).isEqualTo(2);
  }

  @Test
  @DisplayName("an unknown user fails the append and writes nothing")
  void unknownUser() {
    assertThatThrownBy(() -> await(append(UUID.randomUUID()))).hasMessageContaining("No user");
  }
}
