package dev.taskflow.core.kafka;

import dev.taskflow.core.consumer.RetryPolicy;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Map;

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
 * @param retryMax          ... up to this (also the longest wait between retries of a transient failure)
 * @param sessionTimeoutMs  how long the group coordinator waits for a silent member before its partitions go to the
 *                          others ({@code kafka.session.timeout.ms}; Kafka's default is 45 s)
 * @param groupInstanceId   stable per process or pod ({@code kafka.group.instance.id}, e.g. the pod name): makes the
 *                          consumers static group members that get their partitions back at once after a restart;
 *                          empty for dynamic membership. Two live processes must never share one.
 * @param client            more Kafka client settings for every producer, consumer and admin client (TLS, SASL):
 *                          the properties file {@code kafka.client.properties} names, read by the launcher into
 *                          {@code kafka.client}; Taskflow's own settings (bootstrap, acks, group...) win
 */
public record KafkaSettings(
  String bootstrap,
  int embeddedPort,
  String topicPrefix,
  int partitions,
  short replicationFactor,
  int retryAttempts,
  Duration retryInitial,
  Duration retryMax,
  long sessionTimeoutMs,
  String groupInstanceId,
  Map<String, String> client) {

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
    if (sessionTimeoutMs < 1000) {
      throw new IllegalArgumentException("kafka.session.timeout.ms must be at least 1000, got " + sessionTimeoutMs);
    }
    groupInstanceId = groupInstanceId == null ? "" : groupInstanceId.strip();
    client = client == null ? Map.of() : Map.copyOf(client);
    if (!groupInstanceId.matches("[A-Za-z0-9._-]{0,200}")) {
      throw new IllegalArgumentException("kafka.group.instance.id may hold letters, digits, '.', '_' and '-' only, got '"
        + groupInstanceId + "'");
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
      Duration.ofMillis(config.getLong("consumer.retry.max.ms", 5000L)),
      config.getLong("kafka.session.timeout.ms", 6000L),
      config.getString("kafka.group.instance.id", ""),
      clientSettings(config.getJsonObject(CLIENT_KEY)));
  }

  /** Where the launcher puts the client settings it read from {@code kafka.client.properties}. */
  public static final String CLIENT_KEY = "kafka.client";

  private static Map<String, String> clientSettings(JsonObject client) {
    Map<String, String> settings = new java.util.TreeMap<>();
    if (client != null) {
      client.forEach(entry -> settings.put(entry.getKey(), String.valueOf(entry.getValue())));
    }
    return settings;
  }

  /**
   * Reads a Kafka client properties file (blocking: from {@code main}) into the object {@link #from} takes as
   * {@value #CLIENT_KEY}.
   */
  public static JsonObject readClientProperties(java.nio.file.Path file) throws java.io.IOException {
    java.util.Properties properties = new java.util.Properties();
    try (var in = java.nio.file.Files.newBufferedReader(file)) {
      properties.load(in);
    }
    JsonObject client = new JsonObject();
    properties.stringPropertyNames().forEach(name -> client.put(name, properties.getProperty(name)));
    return client;
  }

  /** True when no external broker is configured. */
  public boolean embedded() {
    return bootstrap.isEmpty();
  }

  /** The same settings pointing at {@code bootstrapServers} (e.g. the embedded broker once it is up). */
  public KafkaSettings withBootstrap(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, embeddedPort, topicPrefix, partitions, replicationFactor, retryAttempts,
      retryInitial, retryMax, sessionTimeoutMs, groupInstanceId, client);
  }

  public KafkaSettings withTopicPrefix(String prefix) {
    return new KafkaSettings(bootstrap, embeddedPort, prefix, partitions, replicationFactor, retryAttempts,
      retryInitial, retryMax, sessionTimeoutMs, groupInstanceId, client);
  }

  /** How consumers retry a failing handler. */
  public RetryPolicy retry() {
    return new RetryPolicy(retryAttempts, retryInitial, retryMax);
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} (1-based) failed. */
  public Duration backoff(int attempt) {
    return retry().backoff(attempt);
  }
}
