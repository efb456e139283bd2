package dev.taskflow.core.reminders;

import dev.taskflow.core.tasks.Task;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A reminder as stored, as the API shows it and as the {@code reminder} of a {@code taskflow.reminder.triggered}
 * event carries it. Exactly one of {@code at} (absolute) and {@code offset} (relative to the task's due date) is set;
 * {@code fireAt} is when it fires next (null for a relative reminder while its task has no due date).
 */
public record Reminder(
  UUID id,
  UUID taskId,
  UUID userId,
  OffsetDateTime at,
  String offset,
  OffsetDateTime fireAt,
  String state,
  OffsetDateTime firedAt,
  int snoozes,
  OffsetDateTime createdAt) {

  public static final String PENDING = "pending";
  public static final String FIRED = "fired";
  public static final String CANCELLED = "cancelled";

  /** The columns {@link #from} reads, in SQL. */
  public static final String COLUMNS = """
    id, task_id, user_id, remind_at, due_offset, fire_at, state, fired_at, snoozes, created_at""";

  public static Reminder from(Row row) {
    return new Reminder(
      row.getUUID("id"),
      row.getUUID("task_id"),
      row.getUUID("user_id"),
      row.getOffsetDateTime("remind_at"),
      row.getString("due_offset"),
      row.getOffsetDateTime("fire_at"),
      row.getString("state"),
      row.getOffsetDateTime("fired_at"),
      row.getInteger("snoozes"),
      row.getOffsetDateTime("created_at"));
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("id", id.toString())
      .put("taskId", taskId.toString())
      .put("at", Task.instant(at))
      .put("offset", offset)
      .put("fireAt", Task.instant(fireAt))
      .put("state", state)
      .put("firedAt", Task.instant(firedAt))
      .put("snoozes", snoozes)
      .put("createdAt", Task.instant(createdAt));
  }
}
