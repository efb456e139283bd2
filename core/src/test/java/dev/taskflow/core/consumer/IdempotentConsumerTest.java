package dev.taskflow.core.consumer;

import dev.taskflow.core.db.Database;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.taskflow.core.kafka.TestKafka.await;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The idempotent consumer")
class IdempotentConsumerTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  Vertx vertx;
  Pool pool;

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

  private static TaskflowEvent event(UUID user, long sequence) {
    return TaskflowEvent.create("test", EventTypes.TASK_CREATED, "t" + sequence, user, sequence, null,
      new JsonObject());
  }

  @Test
  @DisplayName("hands a batch's new events to the effect at once, in order, leaving out those already processed and repeats")
  void batchSkipsWhatWasProcessed() throws Exception {
    String consumer = "batch-test-" + UUID.randomUUID();
    List<TaskflowEvent> one = new CopyOnWriteArrayList<>();
    List<List<TaskflowEvent>> batches = new CopyOnWriteArrayList<>();
    IdempotentConsumer recorder = new IdempotentConsumer(pool, consumer, IdempotentConsumer.Effect.batched(
      (tx, event) -> {
        one.add(event);
        return Future.succeededFuture();
      },
      (tx, events) -> {
        batches.add(events);
        return Future.succeededFuture();
      }));
    UUID user = UUID.randomUUID();
    TaskflowEvent first = event(user, 1);
    TaskflowEvent second = event(user, 2);
    TaskflowEvent third = event(user, 3);

    await(recorder.handle(first));
    await(recorder.handleBatch(List.of(first, second, second, third)));
    await(recorder.handleBatch(List.of(second, third)));

    assertThat(one).containsExactly(first);
    assertThat(batches).containsExactly(List.of(second, third));
  }

  @Test
  @DisplayName("runs a plain effect one event at a time for a batch, in order")
  void plainEffectOneByOne() throws Exception {
    List<TaskflowEvent> applied = new CopyOnWriteArrayList<>();
    IdempotentConsumer recorder = new IdempotentConsumer(pool, "plain-test-" + UUID.randomUUID(), (tx, event) -> {
      applied.add(event);
      return Future.succeededFuture();
    });
    UUID user = UUID.randomUUID();
    List<TaskflowEvent> events = List.of(event(user, 1), event(user, 2), event(user, 3));

    await(recorder.handleBatch(events));
    await(recorder.handleBatch(events));

    assertThat(applied).containsExactlyElementsOf(events);
  }
}
