package dev.taskflow.notifier.inheritance;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.reminders.ReminderOffset;
import dev.taskflow.core.reminders.ReminderWriter;
import dev.taskflow.core.tasks.Task;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * A recurring task's next instance inherits the relative reminders of the one before: on
 * {@code taskflow.recurrence.spawned} (data {@code task}, {@code previousTaskId}), every offset reminder of the previous
 * instance, whatever its state, is copied to the new one, timed from the new due date. Absolute reminders stay with
 * their instance. Runs in the consumer's transaction; copying twice changes nothing (one reminder per offset per task).
 *
 * <p>The new task is read and locked here rather than taken from the event, so a due date the user changed since the
 * spawn is the one used, and a due-date change racing with the copy waits for it and then moves the copies too.
 */
public final class ReminderInheritance {

  private static final Logger LOG = LoggerFactory.getLogger(ReminderInheritance.class);

  private static final String TASK = "SELECT " + Task.COLUMNS + " FROM tasks WHERE id = $1 AND user_id = $2 FOR UPDATE";

  /**
   * The previous instance's relative reminders, each its setter's, of the setters still members of the new instance's
   * project ($2).
   */
  private static final String OFFSETS = """
    SELECT r.id, r.due_offset, r.user_id FROM reminders r
     WHERE r.task_id = $1 AND r.due_offset IS NOT NULL
       AND EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = $2 AND m.user_id = r.user_id)
     ORDER BY r.created_at, r.id
    """;

  public Future<Void> onEvent(SqlConnection tx, TaskflowEvent event) {
    if (!EventTypes.RECURRENCE_SPAWNED.equals(event.type())) {
      return Future.succeededFuture();
    }
    String previous = event.data().getString("previousTaskId");
    String created = event.data().getJsonObject("task", new io.vertx.core.json.JsonObject()).getString("id");
    if (previous == null || created == null) {
      return Future.succeededFuture();
    }
    UUID previousId = UUID.fromString(previous);
    return tx.preparedQuery(TASK).execute(Tuple.of(UUID.fromString(created), event.userId())).compose(tasks -> {
      if (tasks.size() == 0) {
        return Future.succeededFuture();
      }
      Task task = Task.from(tasks.iterator().next());
      return tx.preparedQuery(OFFSETS).execute(Tuple.of(previousId, task.projectId())).compose(rows -> {
        Future<Integer> copied = Future.succeededFuture(0);
        for (Row row : rows) {
          ReminderOffset offset = ReminderOffset.parse(row.getString("due_offset"));
          UUID from = row.getUUID("id");
          copied = copied.compose(n -> ReminderWriter.insert(tx, task, row.getUUID("user_id"), null, offset, from)
            .map(inserted -> n + (inserted.isPresent() ? 1 : 0)));
        }
        return copied.map(n -> {
          if (n > 0) {
            LOG.info("Task {} inherited {} relative reminders from {}", task.id(), n, previousId);
          }
          return null;
        });
      });
    });
  }
}
