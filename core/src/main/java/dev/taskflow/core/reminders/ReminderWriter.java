package dev.taskflow.core.reminders;

import dev.taskflow.core.tasks.Task;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Adds reminders to a task, inside the caller's transaction: the API when a user sets one, the notifier when a
 * recurring task's next instance inherits the relative ones. A relative reminder's time comes from the task's due date
 * and zone ({@link ReminderOffset#fireAt}), none while it has no due date; a time already past is moved to now, so the
 * reminder fires at once instead of being reported late. A reminder of a completed task is stored cancelled (reopening
 * the task restores it if it is still ahead).
 */
public final class ReminderWriter {

  private static final String INSERT = """
    INSERT INTO reminders (id, task_id, user_id, remind_at, due_offset, fire_at, state, inherited_from)
    VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::timestamptz IS NULL THEN NULL ELSE greatest($6, now()) END, $7, $8)
    ON CONFLICT DO NOTHING
    RETURNING""" + " " + Reminder.COLUMNS;

  private static final String RELATIVE_OF_TASK =
    "SELECT id, due_offset FROM reminders WHERE task_id = $1 AND due_offset IS NOT NULL";

  /**
   * A relative reminder's new time ($2, NULL without a due date). A pending one takes it (now, if it has passed: it has
   * not fired for this due date); a fired one of an open task ($3) is armed again if the new time is ahead, and
   * otherwise stays as it fired; a cancelled one keeps it for a reopening.
   */
  private static final String MOVE = """
    UPDATE reminders
       SET fire_at = CASE WHEN state = 'fired' AND NOT coalesce($3 AND $2::timestamptz > now(), false) THEN fire_at
                          WHEN state = 'pending' AND $2::timestamptz IS NOT NULL THEN greatest($2, now())
                          ELSE $2 END,
           fired_at = CASE WHEN state = 'fired' AND $3 AND $2::timestamptz > now() THEN NULL ELSE fired_at END,
           state = CASE WHEN state = 'fired' AND $3 AND $2::timestamptz > now() THEN 'pending' ELSE state END
     WHERE id = $1
    """;

  private ReminderWriter() {
  }

  /**
   * The task's due date or zone changed (a PATCH, {@code PUT /due}, or the task becoming a series' first instance):
   * its relative reminders move with it, in the caller's transaction.
   */
  public static Future<Void> moveRelative(SqlClient tx, Task task) {
    return tx.preparedQuery(RELATIVE_OF_TASK).execute(Tuple.of(task.id())).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture();
      }
      boolean open = Task.OPEN.equals(task.status());
      List<Tuple> moves = new ArrayList<>(rows.size());
      for (Row row : rows) {
        ReminderOffset offset = ReminderOffset.parse(row.getString("due_offset"));
        moves.add(Tuple.of(row.getUUID("id"),
          task.dueAt() == null ? null : offset.fireAt(task.dueAt(), task.timezone()), open));
      }
      return tx.preparedQuery(MOVE).executeBatch(moves).mapEmpty();
    });
  }

  /**
   * Inserts one reminder: {@code at} or {@code offset}, the other null.
   *
   * @param userId who is reminded: the member who set it (not necessarily the task's account)
   * @param inheritedFrom the previous instance's reminder it copies, or null
   * @return the reminder, or empty when the user has one at that offset or time on the task already
   */
  public static Future<Optional<Reminder>> insert(SqlClient tx, Task task, UUID userId, OffsetDateTime at,
                                                  ReminderOffset offset, UUID inheritedFrom) {
    OffsetDateTime fireAt = at != null ? at
      : task.dueAt() == null ? null : offset.fireAt(task.dueAt(), task.timezone());
    String state = Task.OPEN.equals(task.status()) ? Reminder.PENDING : Reminder.CANCELLED;
    return tx.preparedQuery(INSERT)
      .execute(Tuple.from(new Object[]{UUID.randomUUID(), task.id(), userId, at,
        offset == null ? null : offset.toString(), fireAt, state, inheritedFrom}))
      .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(Reminder.from(rows.iterator().next())));
  }
}
