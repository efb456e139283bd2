package dev.taskflow.recurrence;

import dev.taskflow.recurrence.rule.RuleLimits;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * The recurrence service's configuration ({@code recurrence.*}).
 *
 * @param limits            what one evaluation of a rule may cost; its timeout is {@code recurrence.evaluation.timeout.ms}
 * @param workers           threads of the {@code recurrence-rules} worker pool every rule is evaluated on
 * @param queueLimit        user requests evaluating a rule (running or waiting) at once per verticle; more are a 503
 * @param minInterval       the shortest time between two occurrences of an on-schedule series
 * @param maxSeriesPerUser  active series one user may have
 */
public record RecurrenceSettings(RuleLimits limits, int workers, int queueLimit, Duration minInterval,
                                 int maxSeriesPerUser) {

  public RecurrenceSettings {
    if (workers < 1 || queueLimit < 1 || maxSeriesPerUser < 1) {
      throw new IllegalArgumentException("recurrence.workers, recurrence.queue.limit and recurrence.max.series.per.user "
        + "must be at least 1");
    }
    if (minInterval.isNegative()) {
      throw new IllegalArgumentException("recurrence.min.interval.seconds must not be negative");
    }
  }

  public static RecurrenceSettings from(JsonObject config) {
    long timeout = config.getLong("recurrence.evaluation.timeout.ms", 250L);
    if (timeout < 1) {
      throw new IllegalArgumentException("recurrence.evaluation.timeout.ms must be at least 1, got " + timeout);
    }
    return new RecurrenceSettings(
      RuleLimits.DEFAULT.withTimeout(Duration.ofMillis(timeout)),
      config.getInteger("recurrence.workers", 2),
      config.getInteger("recurrence.queue.limit", 64),
      Duration.ofSeconds(config.getLong("recurrence.min.interval.seconds", 60L)),
      config.getInteger("recurrence.max.series.per.user", 1_000));
  }
}
