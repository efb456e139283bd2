package dev.taskflow.api.reminders;

import dev.taskflow.core.reminders.Reminder;
import dev.taskflow.api.tasks.TaskAccess;
import dev.taskflow.core.tasks.Task;

/**
 * The SQL of the reminder endpoints and of the reminders' part of task changes. A reminder is its setter's
 * ({@code user_id}); a task is reached through its project's membership ({@link TaskAccess#ROLE}).
 */
final class ReminderSql {

  static final String COLUMNS = Reminder.COLUMNS;

  static final String TASK_FOR_UPDATE = "SELECT " + Task.COLUMNS + ", " + TaskAccess.ROLE
    + " FROM tasks WHERE id = $1 FOR UPDATE OF tasks";

  static final String TASK = "SELECT " + Task.COLUMNS + ", " + TaskAccess.ROLE + " FROM tasks WHERE id = $1";

  static final String COUNT_OF_TASK = "SELECT count(*) FROM reminders WHERE task_id = $1 AND user_id = $2";

  static final String OF_TASK = "SELECT " + COLUMNS + """
      FROM reminders
     WHERE task_id = $1 AND user_id = $2
     ORDER BY fire_at NULLS LAST, created_at, id
    """;

  static final String DELETE = "DELETE FROM reminders WHERE id = $1 AND task_id = $2 AND user_id = $3";

  /** The user's scheduled reminders, soonest first, keyset-paged on (fire_at, id). */
  static final String PENDING = "SELECT " + COLUMNS + """
      FROM reminders
     WHERE user_id = $1 AND state = 'pending' AND fire_at IS NOT NULL
       AND ($2::timestamptz IS NULL OR (fire_at, id) > ($2, $3::uuid))
     ORDER BY fire_at, id
     LIMIT $4
    """;

  /** Whether an absolute reminder time ($1) has passed, by the database's clock (the one the notifier fires by). */
  static final String PASSED = "SELECT $1::timestamptz <= now()";

  /** The database's clock, for times computed from now (a snooze). */
  static final String NOW = "SELECT now()";

  static final String BY_ID = "SELECT " + COLUMNS + " FROM reminders WHERE id = $1 AND user_id = $2";

  /** Read first, then the task locked, then this: a reminder no longer fired by now is not changed (no row). */
  static final String SNOOZE = """
    UPDATE reminders SET state = 'pending', fire_at = $2, fired_at = NULL, fired_by = NULL, snoozes = snoozes + 1
     WHERE id = $1 AND state = 'fired'
    RETURNING""" + " " + COLUMNS;

  /** Completing or deleting a task cancels its pending reminders. */
  static final String CANCEL_PENDING = """
    UPDATE reminders SET state = 'cancelled' WHERE task_id = $1 AND state = 'pending'
    """;

  /**
   * Reopening a task restores its cancelled reminders that are still ahead, and its relative ones that wait for a due
   * date (no time yet): they are scheduled when the task gets one.
   */
  static final String RESTORE = """
    UPDATE reminders SET state = 'pending'
     WHERE task_id = $1 AND state = 'cancelled' AND (fire_at > now() OR (fire_at IS NULL AND due_offset IS NOT NULL))
    """;

  private ReminderSql() {
  }
}
