package dev.taskflow.audit.log;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The audit log on an account's deletion")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountErasureTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  Vertx vertx;
  Pool pool;
  EventLogRepository log;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(db.url())).using(vertx).build();
    log = new EventLogRepository(pool);
  }

  @AfterAll
  void stop() {
    await(pool.close());
    await(vertx.close());
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  static TaskflowEvent event(UUID userId, long sequence, String type) {
    return TaskflowEvent.create("api", type, userId.toString(), userId, sequence, null,
      new JsonObject().put("title", "private " + sequence));
  }

  long count(UUID userId) {
    return await(pool.preparedQuery("SELECT count(*) FROM event_log WHERE user_id = $1").execute(Tuple.of(userId)))
      .iterator().next().getLong(0);
  }

  @Test
  @DisplayName("taskflow.account.deleted erases the user's history but itself, one by one or in a batch; others stay")
  void erasure() {
    UUID ada = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    await(pool.withTransaction(tx -> log.appendAll(tx, List.of(event(ada, 1, EventTypes.TASK_CREATED),
      event(ada, 2, EventTypes.TASK_COMPLETED), event(bob, 1, EventTypes.TASK_CREATED)))));
    await(pool.withTransaction(tx -> log.append(tx, event(ada, 3, EventTypes.ACCOUNT_DELETED))));

    assertThat(await(pool.preparedQuery("SELECT type FROM event_log WHERE user_id = $1").execute(Tuple.of(ada))))
      .singleElement().satisfies(row -> assertThat(row.getString("type")).isEqualTo(EventTypes.ACCOUNT_DELETED));
    assertThat(count(bob)).isEqualTo(1);

    UUID carol = UUID.randomUUID();
    await(pool.withTransaction(tx -> log.appendAll(tx, List.of(event(carol, 1, EventTypes.TASK_CREATED),
      event(carol, 2, EventTypes.ACCOUNT_DELETED)))));
    assertThat(count(carol)).isEqualTo(1);
  }

  @Test
  @DisplayName("an event of a deleted user arriving after its taskflow.account.deleted (a reminder in flight, a replay) "
    + "is not stored, alone or in a batch; another user's is")
  void lateEventsOfADeletedUserAreDropped() {
    UUID ada = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    await(pool.withTransaction(tx -> log.append(tx, event(ada, 1, EventTypes.TASK_CREATED))));
    await(pool.withTransaction(tx -> log.append(tx, event(ada, 2, EventTypes.ACCOUNT_DELETED))));

    await(pool.withTransaction(tx -> log.append(tx, event(ada, 3, EventTypes.REMINDER_TRIGGERED))));
    await(pool.withTransaction(tx -> log.appendAll(tx, List.of(event(ada, 4, EventTypes.TASK_UPDATED),
      event(bob, 1, EventTypes.REMINDER_TRIGGERED)))));

    assertThat(await(pool.preparedQuery("SELECT type FROM event_log WHERE user_id = $1").execute(Tuple.of(ada))))
      .singleElement().satisfies(row -> assertThat(row.getString("type")).isEqualTo(EventTypes.ACCOUNT_DELETED));
    assertThat(count(bob)).isEqualTo(1);
  }

  @Test
  @DisplayName("outside that, the log stays append-only: a delete naming another user, or none, is refused")
  void stillAppendOnly() {
    UUID ada = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    await(pool.withTransaction(tx -> log.appendAll(tx, List.of(event(ada, 1, EventTypes.TASK_CREATED)))));
    assertThatThrownBy(() -> await(pool.preparedQuery("DELETE FROM event_log WHERE user_id = $1")
      .execute(Tuple.of(ada)))).hasMessageContaining("append-only");
    assertThatThrownBy(() -> await(pool.withTransaction(tx -> tx
      .preparedQuery("SELECT set_config('taskflow.erase_user', $1, true)").execute(Tuple.of(bob.toString()))
      .compose(v -> tx.preparedQuery("DELETE FROM event_log WHERE user_id = $1").execute(Tuple.of(ada))))))
      .hasMessageContaining("append-only");
    assertThat(count(ada)).isEqualTo(1);
  }
}
