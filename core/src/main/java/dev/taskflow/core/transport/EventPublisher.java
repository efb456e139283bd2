package dev.taskflow.core.transport;

import io.vertx.core.Future;

import java.util.List;

/**
 * Publishes events to durable topics. Implementations: Kafka, the Dapr sidecar's HTTP API, and the event bus.
 */
public interface EventPublisher {

  /**
   * Publishes the records, keeping the order of records with the same key, and completes only when the broker has
   * acknowledged every one of them (for Kafka: {@code acks=all}). A failure means some may not have been published:
   * the caller publishes them again (consumers are idempotent).
   */
  Future<Void> publish(List<OutboxRecord> records);

  /** Succeeds when the broker (or sidecar) answers; for {@code /health/ready}. */
  Future<Void> check();

  Future<Void> close();
}
