package dev.taskflow.core.eventbus;

import dev.taskflow.core.consumer.RetryPolicy;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.transport.OutboxRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The event-bus transport")
class EventBusTransportTest {

  Vertx vertx;
  EventBusTransport transport;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    transport = new EventBusTransport(vertx, new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(50)));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static OutboxRecord event(UUID user, long sequence) {
    return OutboxRecord.of(TaskflowEvent.create("test", EventTypes.TASK_CREATED, "t" + sequence, user, sequence, null,
      new JsonObject()));
  }

  private static void eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }

  @Test
  @DisplayName("delivers in order, retries a failing handler, and dead-letters after the budget without blocking")
  void retriesThenDeadLetters() throws Exception {
    UUID user = UUID.randomUUID();
    List<Long> handled = new CopyOnWriteArrayList<>();
    AtomicInteger poisonAttempts = new AtomicInteger();
    List<JsonObject> deadLetters = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(EventBusTransport.address("task-events.dlq"),
      message -> deadLetters.add(message.body()));
    await(transport.subscribe("task-events", "g", event -> {
      if (event.sequence() == 2) {
        poisonAttempts.incrementAndGet();
        return Future.failedFuture("poison");
      }
      handled.add(event.sequence());
      return Future.succeededFuture();
    }));

    await(transport.publish(List.of(event(user, 1), event(user, 2), event(user, 3))));

    eventually(() -> handled.size() == 2 && deadLetters.size() == 1);
    assertThat(handled).containsExactly(1L, 3L);
    assertThat(poisonAttempts.get()).isEqualTo(3);
    assertThat(deadLetters.get(0).getValue("sequence")).isEqualTo(2);
  }
}
