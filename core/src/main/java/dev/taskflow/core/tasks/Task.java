package dev.taskflow.core.tasks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A task as stored and as the API and the events show it (the {@code task} snapshot in every task event's data).
 * Recurring instances carry their series and the occurrence they stand for. A subtask carries its parent
 * ({@code parentId}; one level: a parent is never itself a subtask). {@code position} is the manual order within
 * the task's ordering scope (its project's top-level tasks, or its parent's subtasks), ascending; only the order of
 * positions means anything, and a re-spaced scope changes its values (the {@code taskflow.task.moved} event that
 * re-spaced says so). {@code projectId}: the project the task is in; {@code userId} is the account the project
 * belongs to, under whose user every event about the task is written (V13).
 */
public record Task(
  UUID id,
  UUID userId,
  String title,
  String description,
  String status,
  String priority,
  List<String> tags,
  OffsetDateTime dueAt,
  String timezone,
  OffsetDateTime completedAt,
  OffsetDateTime createdAt,
  OffsetDateTime updatedAt,
  int version,
  UUID seriesId,
  OffsetDateTime occurrenceAt,
  UUID parentId,
  long position,
  UUID projectId) {

  public static final String OPEN = "open";
  public static final String COMPLETED = "completed";

  /** The columns {@link #from} reads, in SQL. */
  public static final String COLUMNS = """
    id, user_id, title, description, status, priority, tags, due_at, timezone, completed_at, created_at,
    updated_at, version, series_id, occurrence_at, parent_id, position, project_id""";

  public static Task from(Row row) {
    String[] tags = row.getArrayOfStrings("tags");
    return new Task(
      row.getUUID("id"),
      row.getUUID("user_id"),
      row.getString("title"),
      row.getString("description"),
      row.getString("status"),
      row.getString("priority"),
      tags == null ? List.of() : Arrays.asList(tags),
      row.getOffsetDateTime("due_at"),
      row.getString("timezone"),
      row.getOffsetDateTime("completed_at"),
      row.getOffsetDateTime("created_at"),
      row.getOffsetDateTime("updated_at"),
      row.getInteger("version"),
      row.getUUID("series_id"),
      row.getOffsetDateTime("occurrence_at"),
      row.getUUID("parent_id"),
      row.getLong("position"),
      row.getUUID("project_id"));
  }

  /** The strong entity tag of this version. */
  public String etag() {
    return "\"" + version + "\"";
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("id", id.toString())
      .put("title", title)
      .put("description", description)
      .put("status", status)
      .put("priority", priority)
      .put("tags", new JsonArray(List.copyOf(tags)))
      .put("dueAt", instant(dueAt))
      .put("timezone", timezone)
      .put("completedAt", instant(completedAt))
      .put("createdAt", instant(createdAt))
      .put("updatedAt", instant(updatedAt))
      .put("version", version)
      .put("seriesId", seriesId == null ? null : seriesId.toString())
      .put("occurrenceAt", instant(occurrenceAt))
      .put("parentId", parentId == null ? null : parentId.toString())
      .put("position", position)
      .put("projectId", projectId == null ? null : projectId.toString());
  }

  public static String instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
