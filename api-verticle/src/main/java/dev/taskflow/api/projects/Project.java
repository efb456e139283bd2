package dev.taskflow.api.projects;

import dev.taskflow.core.tasks.Task;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A project as one member sees it: its own fields, whose account it is ({@code accountId}, answered as {@code ownerId}
 * with that account's display name) and the caller's {@code role}. Its events carry {@link #eventJson}, the fields that
 * are the same for every member.
 */
record Project(UUID id, UUID accountId, String name, boolean inbox, OffsetDateTime createdAt, OffsetDateTime updatedAt,
               int version, String role, String ownerName, long memberCount) {

  static Project from(Row row) {
    return new Project(row.getUUID("id"), row.getUUID("user_id"), row.getString("name"), row.getBoolean("inbox"),
      row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"), row.getInteger("version"),
      row.getString("role"), row.getString("owner_name"), row.getLong("member_count"));
  }

  String etag() {
    return "\"" + version + "\"";
  }

  boolean ownedBy(UUID userId) {
    return accountId.equals(userId);
  }

  /** What every member's event says of it. */
  JsonObject eventJson() {
    return eventJson(id, accountId, name, inbox, createdAt, updatedAt, version);
  }

  static JsonObject eventJson(Row row) {
    return eventJson(row.getUUID("id"), row.getUUID("user_id"), row.getString("name"), row.getBoolean("inbox"),
      row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"), row.getInteger("version"));
  }

  private static JsonObject eventJson(UUID id, UUID accountId, String name, boolean inbox, OffsetDateTime createdAt,
                                      OffsetDateTime updatedAt, int version) {
    return new JsonObject()
      .put("id", id.toString())
      .put("name", name)
      .put("inbox", inbox)
      .put("ownerId", accountId.toString())
      .put("createdAt", Task.instant(createdAt))
      .put("updatedAt", Task.instant(updatedAt))
      .put("version", version);
  }

  /** The answer to the caller: with their role, the owner's name and how many members it has. */
  JsonObject toJson() {
    return eventJson().put("role", role).put("ownerName", ownerName).put("memberCount", memberCount);
  }
}
