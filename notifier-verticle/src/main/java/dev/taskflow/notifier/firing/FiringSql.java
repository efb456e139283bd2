package dev.taskflow.notifier.firing;

import dev.taskflow.core.reminders.Reminder;
import dev.taskflow.core.tasks.Task;

/** The SQL of firing reminders. Times are the database's ({@code clock_timestamp()}), whatever the local clock says. */
final class FiringSql {

  /** Milliseconds until the earliest pending reminder is due (negative when it is overdue), NULL when none is. */
  static final String NEXT_DUE = """
    SELECT ceil(extract(epoch FROM min(fire_at) - clock_timestamp()) * 1000)::int8
      FROM reminders
     WHERE state = 'pending' AND fire_at IS NOT NULL
    """;

  /**
   * Claims the due reminders, earliest first. SKIP LOCKED lets several notifiers share the work: a reminder another
   * one has claimed is passed over, and one it fired meanwhile no longer matches {@code state = 'pending'} when its
   * row is re-checked, so each reminder is claimed by one transaction only. The time is a sub-select, evaluated once,
   * so the partial index on pending reminders' {@code fire_at} bounds the scan (a bare volatile function cannot).
   */
  static final String CLAIM = "SELECT " + Reminder.COLUMNS + """

      FROM reminders
     WHERE state = 'pending' AND fire_at <= (SELECT clock_timestamp())
     ORDER BY fire_at
     LIMIT $1
       FOR UPDATE SKIP LOCKED
    """;

  /** The claimed reminders' tasks, as they are now (not locked: see {@link ReminderFiring}). */
  static final String TASKS = "SELECT " + Task.COLUMNS + " FROM tasks WHERE id = ANY($1)";

  /**
   * Of the claimed reminders, those whose setter is still a member of their task's project (removing a member cancels
   * their reminders on it; this holds for one that raced the removal).
   */
  static final String OF_MEMBERS = """
    SELECT r.id FROM reminders r
      JOIN tasks t ON t.id = r.task_id
      JOIN project_members m ON m.project_id = t.project_id AND m.user_id = r.user_id
     WHERE r.id = ANY($1)
    """;

  static final String FIRE = """
    UPDATE reminders SET state = 'fired', fired_at = clock_timestamp(), fired_by = $2
     WHERE id = ANY($1)
    RETURNING""" + " " + Reminder.COLUMNS;

  /** A reminder whose task was completed or deleted by a writer that did not cancel it does not fire. */
  static final String CANCEL = "UPDATE reminders SET state = 'cancelled' WHERE id = ANY($1)";

  private FiringSql() {
  }
}
