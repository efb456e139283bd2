package dev.taskflow.notifier.delivery;

import dev.taskflow.core.consumer.IdempotentConsumer;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.transport.BatchEventHandler;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * An {@link IdempotentConsumer} that also hands each event it had not seen before to {@code afterCommit}, once the
 * transaction that recorded it has committed. For effects that cannot be rolled back (an event-bus publish, a log
 * line): a redelivered event does not repeat them, and a rolled-back batch never had them.
 */
final class CommittedConsumer implements BatchEventHandler {

  private final Pool pool;
  private final String consumer;
  private final IdempotentConsumer.Effect effect;
  private final Consumer<TaskflowEvent> afterCommit;

  CommittedConsumer(Pool pool, String consumer, IdempotentConsumer.Effect effect,
                    Consumer<TaskflowEvent> afterCommit) {
    this.pool = pool;
    this.consumer = consumer;
    this.effect = effect;
    this.afterCommit = afterCommit;
  }

  @Override
  public Future<Void> handle(TaskflowEvent event) {
    return handleBatch(List.of(event));
  }

  @Override
  public Future<Void> handleBatch(List<TaskflowEvent> events) {
    List<TaskflowEvent> fresh = new ArrayList<>(events.size());
    IdempotentConsumer recorder = new IdempotentConsumer(pool, consumer, (tx, event) -> {
      fresh.add(event);
      return effect.apply(tx, event);
    });
    return recorder.handleBatch(events).onSuccess(v -> fresh.forEach(afterCommit));
  }
}
