package dev.taskflow.core.consumer;

import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * How a consumer retries a failing handler before it gives the event to the dead-letter topic
 * ({@code consumer.retry.*}).
 *
 * @param attempts how many times an event is handed to the handler in all
 * @param initial  the wait before the second attempt; doubles after every failure ...
 * @param max      ... up to this
 */
public record RetryPolicy(int attempts, Duration initial, Duration max) {

  public RetryPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("consumer.retry.attempts must be at least 1, got " + attempts);
    }
  }

  public static RetryPolicy from(JsonObject config) {
    return new RetryPolicy(
      config.getInteger("consumer.retry.attempts", 5),
      Duration.ofMillis(config.getLong("consumer.retry.initial.ms", 100L)),
      Duration.ofMillis(config.getLong("consumer.retry.max.ms", 5000L)));
  }

  public RetryPolicy withAttempts(int count) {
    return new RetryPolicy(count, initial, max);
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} (1-based) failed. */
  public Duration backoff(int attempt) {
    long millis = initial.toMillis();
    for (int i = 1; i < attempt && millis < max.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, max.toMillis()));
  }
}
