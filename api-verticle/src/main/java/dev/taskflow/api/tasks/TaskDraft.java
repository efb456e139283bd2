package dev.taskflow.api.tasks;

import dev.taskflow.core.tasks.Task;

import dev.taskflow.api.http.Problem;
import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A new task's fields, checked; {@code parentId} makes it a subtask of that task; {@code projectId}: the project it
 * goes into (null: the creator's Inbox, or the parent's project).
 */
public record TaskDraft(String title, String description, String priority, List<String> tags, OffsetDateTime dueAt,
                        String timezone, UUID parentId, UUID projectId) {

  public TaskDraft {
    if (title == null || title.isBlank()) {
      throw Problem.badRequest("title must not be blank.");
    }
    description = description == null ? "" : description;
    priority = priority == null ? "normal" : priority;
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /** From a validated {@code POST /tasks} body. */
  public static TaskDraft from(JsonObject body) {
    return new TaskDraft(
      TaskInput.text(body.getString("title")),
      body.getString("description"),
      body.getString("priority"),
      TaskInput.tags(body.getJsonArray("tags")),
      TaskInput.instant("dueAt", body.getString("dueAt")),
      TaskInput.zone("timezone", body.getString("timezone")),
      TaskInput.uuid("parentId", body.getString("parentId")),
      TaskInput.uuid("projectId", body.getString("projectId")));
  }
}
