package dev.taskflow.bench;

import dev.taskflow.core.transport.EventPublisher;
import dev.taskflow.core.transport.OutboxRecord;
import io.vertx.core.Future;

import java.util.List;

/**
 * The relay's real publisher, with the moment each publish call was acknowledged by the broker (for Kafka: every
 * record of the call, {@code acks=all}) stamped on its events.
 */
final class TimedPublisher implements EventPublisher {

  private final EventPublisher publisher;
  private final EventTimes times;

  TimedPublisher(EventPublisher publisher, EventTimes times) {
    this.publisher = publisher;
    this.times = times;
  }

  @Override
  public Future<Void> publish(List<OutboxRecord> records) {
    return publisher.publish(records).onSuccess(v -> times.acknowledged(
      records.stream().map(record -> record.event().getString("subject")).toList(), records.size()));
  }

  @Override
  public Future<Void> check() {
    return publisher.check();
  }

  @Override
  public Future<Void> close() {
    return publisher.close();
  }
}
