package dev.taskflow.core.outbox;

import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * How the relay drains the outbox.
 *
 * @param batchSize      rows read and published per round
 * @param safetyPoll     how often the relay looks without being woken (LISTEN/NOTIFY is the normal wake-up)
 * @param retention      how long published rows are kept before pruning
 * @param maxBackoff     the longest wait between attempts while the broker is down
 */
public record RelaySettings(int batchSize, Duration safetyPoll, Duration retention, Duration maxBackoff) {

  public static RelaySettings from(JsonObject config) {
    return new RelaySettings(
      config.getInteger("relay.batch.size", 500),
      Duration.ofMillis(config.getLong("relay.safety.poll.ms", 5_000L)),
      Duration.ofHours(config.getLong("relay.retention.hours", 24L)),
      Duration.ofMillis(config.getLong("relay.max.backoff.ms", 10_000L)));
  }
}
