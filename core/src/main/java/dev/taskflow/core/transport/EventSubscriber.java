package dev.taskflow.core.transport;

import io.vertx.core.Future;

/**
 * Delivers a topic's events to a handler, at least once, in order per key. The delivery of an event is acknowledged
 * (the Kafka offset committed, the Dapr delivery answered SUCCESS) only after the handler's future succeeded.
 */
public interface EventSubscriber {

  /**
   * Subscribes {@code handler} to {@code topic} as the consumer group {@code group}: each group sees every event once
   * in effect, however many instances share the group.
   */
  Future<Void> subscribe(String topic, String group, EventHandler handler);

  Future<Void> close();
}
