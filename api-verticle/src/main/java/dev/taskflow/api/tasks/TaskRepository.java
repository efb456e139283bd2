package dev.taskflow.api.tasks;

import dev.taskflow.core.tasks.Task;

import dev.taskflow.api.http.Problem;
import dev.taskflow.api.reminders.ReminderSpec;
import dev.taskflow.api.reminders.TaskReminders;
import dev.taskflow.core.reminders.Reminder;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.reminders.ReminderWriter;
import dev.taskflow.core.outbox.OutboxWriter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The tasks of a user. Every change and its one outbox event commit in the same transaction; a call that changes
 * nothing (completing a completed task, an empty patch) writes no event. The task's reminders follow in the same
 * transaction ({@link TaskReminders}): they move with the due date, completing or deleting cancels them, reopening
 * restores those still ahead.
 */
public final class TaskRepository {

  /** One page of a list. */
  public record Page(List<Task> items, String nextCursor) {
  }

  /** The list filters; a null filter is off. */
  public record Query(String status, OffsetDateTime dueBefore, OffsetDateTime dueAfter, String tag, String text,
                      UUID seriesId, Cursor after, int limit) {
  }

  private final Pool pool;
  private final OutboxWriter outbox;

  public TaskRepository(Pool pool, OutboxWriter outbox) {
    this.pool = pool;
    this.outbox = outbox;
  }

  /** A new task and the reminders it was created with. */
  public record Created(Task task, List<Reminder> reminders) {
  }

  public Future<Task> create(UUID userId, TaskDraft draft, String correlationId) {
    return createWithReminders(userId, draft, List.of(), correlationId).map(Created::task);
  }

  /** Creates a task and its reminders in one transaction: all of them or nothing. */
  public Future<Created> createWithReminders(UUID userId, TaskDraft draft, List<ReminderSpec> reminders,
                                             String correlationId) {
    return pool.withTransaction(tx -> tx.preparedQuery(TaskSql.INSERT)
      .execute(Tuple.from(new Object[]{UUID.randomUUID(), userId, draft.title(), draft.description(),
        draft.priority(), draft.tags().toArray(String[]::new), draft.dueAt(), draft.timezone()}))
      .map(rows -> Task.from(rows.iterator().next()))
      .compose(task -> TaskReminders.add(tx, task, reminders)
        .compose(added -> emit(tx, task, EventTypes.TASK_CREATED, correlationId, null).map(new Created(task, added)))));
  }

  public Future<Task> find(UUID userId, UUID id) {
    return pool.preparedQuery(TaskSql.BY_ID).execute(Tuple.of(id, userId))
      .map(rows -> {
        if (rows.rowCount() == 0) {
          throw notFound(id);
        }
        return Task.from(rows.iterator().next());
      });
  }

  public Future<Page> list(UUID userId, Query q) {
    Tuple params = Tuple.from(new Object[]{userId, q.status(), q.dueBefore(), q.dueAfter(), q.tag(),
      q.text() == null ? null : "%" + likeEscape(q.text()) + "%",
      q.after() == null ? null : q.after().createdAt(), q.after() == null ? null : q.after().id(),
      q.limit() + 1, q.seriesId()});
    return pool.preparedQuery(TaskSql.LIST).execute(params).map(rows -> {
      List<Task> items = new ArrayList<>(q.limit());
      boolean more = false;
      for (Row row : rows) {
        if (items.size() == q.limit()) {
          more = true;
          break;
        }
        items.add(Task.from(row));
      }
      Task last = items.isEmpty() ? null : items.get(items.size() - 1);
      return new Page(items, more ? new Cursor(last.createdAt(), last.id()).encode() : null);
    });
  }

  /** Applies a JSON merge patch (fields already validated). */
  public Future<Task> update(UUID userId, UUID id, JsonObject patch, String ifMatch, String correlationId) {
    return pool.withTransaction(tx -> lockForChange(tx, userId, id, ifMatch).compose(current -> {
      JsonObject changes = new JsonObject();
      String title = pick(patch, "title", current.title(), TaskInput.title(patch.getString("title")), changes);
      String description = pick(patch, "description", current.description(), patch.getString("description"), changes);
      String priority = pick(patch, "priority", current.priority(), patch.getString("priority"), changes);
      List<String> tags = pick(patch, "tags", current.tags(), TaskInput.tags(patch.getJsonArray("tags")), changes);
      OffsetDateTime dueAt = pick(patch, "dueAt", current.dueAt(),
        TaskInput.instant("dueAt", patch.getString("dueAt")), changes);
      String timezone = pick(patch, "timezone", current.timezone(),
        TaskInput.zone("timezone", patch.getString("timezone")), changes);
      if (changes.isEmpty()) {
        return Future.succeededFuture(current);
      }
      return write(tx, current, title, description, priority, tags, dueAt, timezone, current.status())
        .compose(task -> changes.containsKey("dueAt") || changes.containsKey("timezone")
          ? ReminderWriter.moveRelative(tx, task).map(task) : Future.succeededFuture(task))
        .compose(task -> emit(tx, task, EventTypes.TASK_UPDATED, correlationId, changes));
    }));
  }

  public Future<Task> complete(UUID userId, UUID id, String correlationId) {
    return changeStatus(userId, id, Task.COMPLETED, EventTypes.TASK_COMPLETED, correlationId);
  }

  public Future<Task> reopen(UUID userId, UUID id, String correlationId) {
    return changeStatus(userId, id, Task.OPEN, EventTypes.TASK_REOPENED, correlationId);
  }

  public Future<Void> delete(UUID userId, UUID id, String ifMatch, String correlationId) {
    return pool.withTransaction(tx -> lockForChange(tx, userId, id, ifMatch)
      .compose(task -> TaskReminders.deleted(tx, task).map(task))
      .compose(task -> tx.preparedQuery(TaskSql.DELETE).execute(Tuple.of(id, userId))
        .compose(rows -> emit(tx, task, EventTypes.TASK_DELETED, correlationId, null)))
      .mapEmpty());
  }

  private Future<Task> changeStatus(UUID userId, UUID id, String status, String eventType, String correlationId) {
    return pool.withTransaction(tx -> lockForChange(tx, userId, id, null).compose(current -> {
      if (current.status().equals(status)) {
        return Future.succeededFuture(current);
      }
      return write(tx, current, current.title(), current.description(), current.priority(), current.tags(),
        current.dueAt(), current.timezone(), status)
        .compose(task -> TaskReminders.statusChanged(tx, task).map(task))
        .compose(task -> emit(tx, task, eventType, correlationId, null));
    }));
  }

  private Future<Task> lockForChange(SqlConnection tx, UUID userId, UUID id, String ifMatch) {
    return tx.preparedQuery(TaskSql.BY_ID_FOR_UPDATE).execute(Tuple.of(id, userId)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw notFound(id);
      }
      Task task = Task.from(rows.iterator().next());
      if (ifMatch != null && !ETags.matches(ifMatch, task.version())) {
        throw Problem.preconditionFailed("The task has changed since " + ifMatch + "; it is at version "
          + task.version() + " (ETag " + task.etag() + "). Fetch it again and retry.");
      }
      return task;
    });
  }

  private Future<Task> write(SqlConnection tx, Task current, String title, String description, String priority,
                             List<String> tags, OffsetDateTime dueAt, String timezone, String status) {
    return tx.preparedQuery(TaskSql.UPDATE)
      .execute(Tuple.from(new Object[]{current.id(), current.userId(), title, description, priority,
        tags.toArray(String[]::new), dueAt, timezone, status}))
      .map(rows -> Task.from(rows.iterator().next()));
  }

  private Future<Task> emit(SqlConnection tx, Task task, String type, String correlationId, JsonObject changes) {
    JsonObject data = new JsonObject().put("task", task.toJson());
    if (changes != null) {
      data.put("changes", changes);
    }
    return outbox.append(tx, task.userId(), type, task.id().toString(), correlationId, data).map(task);
  }

  /** The patched value of one field, recording {old, new} in {@code changes} when it differs. */
  private static <T> T pick(JsonObject patch, String field, T current, T patched, JsonObject changes) {
    if (!patch.containsKey(field) || Objects.equals(current, patched)) {
      return current;
    }
    changes.put(field, new JsonObject().put("old", jsonValue(current)).put("new", jsonValue(patched)));
    return patched;
  }

  private static Object jsonValue(Object value) {
    if (value instanceof OffsetDateTime time) {
      return Task.instant(time);
    }
    if (value instanceof List<?> list) {
      return new JsonArray(new ArrayList<>(list));
    }
    return value;
  }

  private static String likeEscape(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static Problem notFound(UUID id) {
    return Problem.notFound("No task " + id + ".");
  }
}
