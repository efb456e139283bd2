package dev.taskflow.core.transport;

import dev.taskflow.core.event.TaskflowEvent;
import io.vertx.core.json.JsonObject;

/**
 * One outbox row on its way to a topic.
 *
 * @param position the row's outbox position (publication order within a key)
 * @param topic    {@code task-events}, {@code reminders}, or a dead-letter topic
 * @param key      the partition key: the user id, so one user's events stay in order
 * @param event    the structured-mode CloudEvent JSON
 */
public record OutboxRecord(long position, String topic, String key, JsonObject event) {

  public static OutboxRecord of(TaskflowEvent event) {
    return new OutboxRecord(-1, event.topic(), event.userId().toString(), event.toJson());
  }
}
