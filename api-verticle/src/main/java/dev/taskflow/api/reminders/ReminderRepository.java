package dev.taskflow.api.reminders;

import dev.taskflow.api.http.Problem;
import dev.taskflow.api.tasks.Cursor;
import dev.taskflow.api.tasks.TaskAccess;
import dev.taskflow.core.db.Transactions;
import dev.taskflow.core.reminders.Reminder;
import dev.taskflow.core.reminders.ReminderOffset;
import dev.taskflow.core.reminders.ReminderWriter;
import dev.taskflow.core.tasks.Task;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A user's reminders: add, list, delete, snooze, and the pending ones across all tasks. A member of a project sets
 * reminders on its tasks for themself (a viewer too: being reminded changes nothing of the task); each sees only their
 * own.
 */
public final class ReminderRepository {

  /** One page of pending reminders. */
  public record Page(List<Reminder> items, String nextCursor) {
  }

  private final Pool pool;

  public ReminderRepository(Pool pool) {
    this.pool = pool;
  }

  /** Adds a reminder to a task; the task is locked meanwhile, so the limit holds under concurrent adds. */
  public Future<Reminder> add(UUID userId, UUID taskId, ReminderSpec spec) {
    return Transactions.retrying(pool, tx -> lockTask(tx, userId, taskId).compose(task -> {
      if (spec.offset() != null && task.dueAt() == null) {
        throw Problem.conflict("The task has no due date, so a relative reminder has nothing to be relative to: set "
          + "one with PUT /tasks/" + taskId + "/due, or give 'at'.");
      }
      return tx.preparedQuery(ReminderSql.COUNT_OF_TASK).execute(Tuple.of(taskId, userId)).compose(count -> {
        if (count.iterator().next().getLong(0) >= ReminderSpec.MAX_PER_TASK) {
          throw Problem.conflict("The task has " + ReminderSpec.MAX_PER_TASK + " reminders, the most it may have; "
            + "delete one first.");
        }
        return spec.requireAhead(tx, "reminder")
          .compose(v -> ReminderWriter.insert(tx, task, userId, spec.at(), spec.offset(), null));
      });
    })).map(inserted -> inserted.orElseThrow(() -> Problem.conflict("The task already has a reminder "
      + (spec.offset() != null ? "at offset " + spec.offset() : "at " + Task.instant(spec.at())) + ".")));
  }

  public Future<List<Reminder>> ofTask(UUID userId, UUID taskId) {
    return pool.preparedQuery(ReminderSql.TASK).execute(Tuple.of(taskId, userId)).compose(found -> {
      TaskAccess.visible(found, taskId);
      return pool.preparedQuery(ReminderSql.OF_TASK).execute(Tuple.of(taskId, userId)).map(ReminderRepository::list);
    });
  }

  public Future<Void> delete(UUID userId, UUID taskId, UUID reminderId) {
    return pool.preparedQuery(ReminderSql.DELETE).execute(Tuple.of(reminderId, taskId, userId)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw Problem.notFound("No reminder " + reminderId + " on task " + taskId + ".");
      }
      return null;
    });
  }

  public Future<Page> pending(UUID userId, Cursor after, int limit) {
    Tuple params = Tuple.from(new Object[]{userId, after == null ? null : after.createdAt(),
      after == null ? null : after.id(), limit + 1});
    return pool.preparedQuery(ReminderSql.PENDING).execute(params).map(rows -> {
      List<Reminder> items = list(rows);
      if (items.size() <= limit) {
        return new Page(items, null);
      }
      List<Reminder> page = items.subList(0, limit);
      Reminder last = page.get(limit - 1);
      return new Page(page, new Cursor(last.fireAt(), last.id()).encode());
    });
  }

  /**
   * Schedules a fired reminder again, {@code duration} from now by the database's clock, the one the notifier fires by
   * (days count in the task's zone). The task is locked
   * before the reminder is changed, in the order every task change takes them.
   */
  public Future<Reminder> snooze(UUID userId, UUID reminderId, ReminderOffset duration) {
    return Transactions.retrying(pool, tx -> tx.preparedQuery(ReminderSql.BY_ID).execute(Tuple.of(reminderId, userId))
      .compose(rows -> {
        if (rows.size() == 0) {
          throw Problem.notFound("No reminder " + reminderId + ".");
        }
        Reminder reminder = Reminder.from(rows.iterator().next());
        if (!Reminder.FIRED.equals(reminder.state())) {
          throw notFired(reminder.state());
        }
        return lockTask(tx, userId, reminder.taskId()).compose(task -> {
          if (!Task.OPEN.equals(task.status())) {
            throw Problem.conflict("The task is completed; reopen it to be reminded again.");
          }
          return tx.preparedQuery(ReminderSql.NOW).execute()
            .map(now -> duration.fireAt(now.iterator().next().getOffsetDateTime(0), task.timezone()))
            .compose(fireAt -> tx.preparedQuery(ReminderSql.SNOOZE).execute(Tuple.of(reminderId, fireAt)))
            .map(updated -> {
              if (updated.size() == 0) {
                throw notFired("no longer fired");
              }
              return Reminder.from(updated.iterator().next());
            });
        });
      }));
  }

  private static Problem notFired(String state) {
    return Problem.conflict("Only a reminder that has fired can be snoozed; this one is " + state + ".");
  }

  private static Future<Task> lockTask(SqlConnection tx, UUID userId, UUID taskId) {
    return tx.preparedQuery(ReminderSql.TASK_FOR_UPDATE).execute(Tuple.of(taskId, userId))
      .map(rows -> TaskAccess.visible(rows, taskId));
  }

  private static List<Reminder> list(Iterable<Row> rows) {
    List<Reminder> reminders = new ArrayList<>();
    rows.forEach(row -> reminders.add(Reminder.from(row)));
    return reminders;
  }
}
