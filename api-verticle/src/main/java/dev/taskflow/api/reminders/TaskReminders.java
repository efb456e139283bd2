package dev.taskflow.api.reminders;

import dev.taskflow.core.reminders.Reminder;
import dev.taskflow.core.reminders.ReminderWriter;
import dev.taskflow.core.tasks.Task;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The reminders' part of a task change, run by the task repository in the change's own transaction, after it locked
 * the task and before it writes the event (which locks the user's row: see {@code ReminderFiring} for the lock order).
 * Done here rather than by the notifier reacting to the task's events, so that a completed task's reminder can never
 * fire in the moment before the event reaches the notifier, or for as long as the broker is down, and a reminder list
 * read just after a change shows it.
 */
public final class TaskReminders {

  private TaskReminders() {
  }

  /** The reminders a new task was created with, its creator's ({@code userId}). */
  public static Future<List<Reminder>> add(SqlConnection tx, Task task, UUID userId, List<ReminderSpec> specs) {
    List<Reminder> added = new ArrayList<>(specs.size());
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < specs.size(); i++) {
      ReminderSpec spec = specs.get(i);
      String field = "reminders[" + i + "]";
      chain = chain.compose(v -> spec.requireAhead(tx, field))
        .compose(v -> ReminderWriter.insert(tx, task, userId, spec.at(), spec.offset(), null)
        .map(inserted -> {
          inserted.ifPresent(added::add);
          return null;
        }));
    }
    return chain.map(added);
  }

  /** Completing cancels the pending reminders; reopening restores those still ahead. */
  public static Future<Void> statusChanged(SqlConnection tx, Task task) {
    return tx.preparedQuery(Task.OPEN.equals(task.status()) ? ReminderSql.RESTORE : ReminderSql.CANCEL_PENDING)
      .execute(Tuple.of(task.id())).mapEmpty();
  }

  /** Deleting a task cancels its pending reminders (they are kept, cancelled, for a recurring task's next instance). */
  public static Future<Void> deleted(SqlConnection tx, Task task) {
    return tx.preparedQuery(ReminderSql.CANCEL_PENDING).execute(Tuple.of(task.id())).mapEmpty();
  }
}
