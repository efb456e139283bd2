package dev.taskflow.api.tasks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** A task as stored and as the API and the events show it. */
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
  int version) {

  public static final String OPEN = "open";
  public static final String COMPLETED = "completed";

  static Task from(Row row) {
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
      row.getInteger("version"));
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
      .put("version", version);
  }

  static String instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
