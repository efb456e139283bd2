package dev.taskflow.notifier;

import dev.taskflow.core.consumer.RetryPolicy;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * The notifier's configuration ({@code notifier.*}, {@code webhooks.*}).
 *
 * @param batchSize        reminders claimed and fired per transaction
 * @param lateAfter        a reminder fired more than this after its time is marked {@code late}
 * @param safetyPoll       how often the timer is re-armed without a NOTIFY, in case one was missed
 * @param webhookTimeout   a webhook receiver that sends nothing for this long has failed the attempt
 * @param webhookRetry     attempts per delivery and the backoff between them
 * @param webhookInFlight  deliveries in flight at once, over all webhooks, per notifier instance
 * @param perWebhook       deliveries in flight at once to one webhook, so a slow one cannot take every slot
 * @param perUser          deliveries in flight at once to all of one user's webhooks, below {@code webhookInFlight}, so
 *                         one user's slow receivers cannot take every slot either
 * @param webhookRetention finished deliveries (and their attempts) are deleted this long after they finished
 */
public record NotifierSettings(int batchSize, Duration lateAfter, Duration safetyPoll, Duration webhookTimeout,
                               RetryPolicy webhookRetry, int webhookInFlight, int perWebhook, int perUser,
                               Duration webhookRetention) {

  public NotifierSettings {
    if (batchSize < 1 || webhookInFlight < 1 || perWebhook < 1) {
      throw new IllegalArgumentException("notifier.batch.size, webhooks.concurrency and webhooks.per.webhook must be "
        + "at least 1");
    }
    if (perUser < 1 || perUser >= webhookInFlight) {
      throw new IllegalArgumentException("webhooks.per.user must be at least 1 and below webhooks.concurrency ("
        + webhookInFlight + "), got " + perUser);
    }
    if (webhookRetention.toDays() < 1) {
      throw new IllegalArgumentException("webhooks.retention.days must be at least 1, got " + webhookRetention.toDays());
    }
  }

  public static NotifierSettings from(JsonObject config) {
    int attempts = config.getInteger("webhooks.attempts", 8);
    if (attempts < 1) {
      throw new IllegalArgumentException("webhooks.attempts must be at least 1, got " + attempts);
    }
    return new NotifierSettings(
      config.getInteger("notifier.batch.size", 500),
      Duration.ofMillis(config.getLong("notifier.late.after.ms", 5_000L)),
      Duration.ofMillis(config.getLong("notifier.safety.poll.ms", 30_000L)),
      Duration.ofMillis(config.getLong("webhooks.timeout.ms", 10_000L)),
      new RetryPolicy(
        attempts,
        Duration.ofMillis(config.getLong("webhooks.backoff.initial.ms", 10_000L)),
        Duration.ofMillis(config.getLong("webhooks.backoff.max.ms", 3_600_000L))),
      config.getInteger("webhooks.concurrency", 64),
      config.getInteger("webhooks.per.webhook", 4),
      config.getInteger("webhooks.per.user", 16),
      Duration.ofDays(config.getInteger("webhooks.retention.days", 30)));
  }
}
