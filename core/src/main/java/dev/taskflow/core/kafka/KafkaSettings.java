package dev.taskflow.core.kafka;

import dev.taskflow.core.consumer.RetryPolicy;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * How to reach Kafka and how consumers retry.
 *
 * @param bootstrap         {@code host:port,...}; empty means "start the embedded broker"
 * @param embeddedPort      the embedded broker's port; 0 picks a free one
 * @param topicPrefix       put before every topic name ({@code task-events} becomes {@code <prefix>task-events}); empty
 *                          in production, unique per test so tests on one broker never share topics
 * @param partitions        partitions of the topics created at start
 * @param replicationFactor replicas of the topics created at start (1 for the embedded broker)
 * @param retryAttempts     how many times a consumer hands an event to its handler before it goes to the DLQ
 * @param retryInitial      the wait before the second attempt; doubles after every failure ...
 * @param retryMax          ... up to this
 */
public record KafkaSettings(
  String bootstrap,
  int embeddedPort,
  String topicPrefix,
  int partitions,
  short replicationFactor,
  int retryAttempts,
  Duration retryInitial,
  Duration retryMax) {

  public KafkaSettings {
    bootstrap = bootstrap == null ? "" : bootstrap.trim();
    topicPrefix = topicPrefix == null ? "" : topicPrefix;
    if (partitions < 1) {
      throw new IllegalArgumentException("kafka.partitions must be at least 1, got " + partitions);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("kafka.replication.factor must be at least 1, got " + replicationFactor);
    }
    if (retryAttempts < 1) {
      throw new IllegalArgumentException("consumer.retry.attempts must be at least 1, got " + retryAttempts);
    }
  }

  public static KafkaSettings from(JsonObject config) {
    return new KafkaSettings(
      config.getString("kafka.bootstrap", ""),
      config.getInteger("kafka.embedded.port", 0),
      config.getString("kafka.topic.prefix", ""),
      config.getInteger("kafka.partitions", 3),
      config.getInteger("kafka.replication.factor", 1).shortValue(),
      config.getInteger("consumer.retry.attempts", 5),
      Duration.ofMillis(config.getLong("consumer.retry.initial.ms", 100L)),
      Duration.ofMillis(config.getLong("consumer.retry.max.ms", 5000L)));
  }

  /** True when no external broker is configured. */
  public boolean embedded() {
    return bootstrap.isEmpty();
  }

  /** The same settings pointing at {@code bootstrapServers} (e.g. the embedded broker once it is up). */
  public KafkaSettings withBootstrap(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, embeddedPort, topicPrefix, partitions, replicationFactor, retryAttempts,
      retryInitial, retryMax);
  }

  public KafkaSettings withTopicPrefix(String prefix) {
    return new KafkaSettings(bootstrap, embeddedPort, prefix, partitions, replicationFactor, retryAttempts,
      retryInitial, retryMax);
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} (1-based) failed. */
  public Duration backoff(int attempt) {
    return new RetryPolicy(retryAttempts, retryInitial, retryMax).backoff(attempt);
  }
}
