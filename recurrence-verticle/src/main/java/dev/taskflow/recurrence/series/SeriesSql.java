package dev.taskflow.recurrence.series;

import dev.taskflow.core.tasks.Task;

/** The SQL of series and their instances. Statements a user starts are scoped to that user. */
final class SeriesSql {

  /**
   * An instance; a second one for the same occurrence of a series is a no-op (no row comes back). It goes to the
   * project of the instance before it ($11), or to the account's Inbox when that project is gone (the tasks trigger).
   */
  static final String INSERT_INSTANCE = """
    INSERT INTO tasks (id, user_id, title, description, priority, tags, due_at, timezone, series_id, occurrence_at,
                       spawned_from, project_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7, $10, (SELECT id FROM projects WHERE id = $11::uuid AND user_id = $2))
    ON CONFLICT (series_id, occurrence_at) DO NOTHING
    RETURNING""" + " " + Task.COLUMNS;

  static final String TASK = "SELECT " + Task.COLUMNS + " FROM tasks WHERE id = $1 AND user_id = $2";

  static final String TASK_FOR_UPDATE =
    "SELECT " + Task.COLUMNS + " FROM tasks WHERE id = $1 AND user_id = $2 FOR UPDATE";

  /** The instance standing for a series' occurrence, if it still exists. */
  static final String INSTANCE = "SELECT " + Task.COLUMNS + " FROM tasks WHERE series_id = $1 AND occurrence_at = $2";

  /** Makes a task the first instance of a series: its due date becomes the series' start. */
  static final String ATTACH = """
    UPDATE tasks SET series_id = $3, occurrence_at = $4, due_at = $4, timezone = $5, version = version + 1,
                     updated_at = now()
     WHERE id = $1 AND user_id = $2
    RETURNING""" + " " + Task.COLUMNS;

  static final String DETACH = """
    UPDATE tasks SET series_id = NULL, occurrence_at = NULL, version = version + 1, updated_at = now()
     WHERE id = $1 AND user_id = $2
    RETURNING""" + " " + Task.COLUMNS;

  static final String INSERT_SERIES = """
    INSERT INTO series (id, user_id, rrule, dtstart, timezone, anchor, spawn, template, last_occurrence_at,
                        next_occurrence_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    RETURNING""" + " " + Series.COLUMNS;

  static final String SERIES_FOR_UPDATE =
    "SELECT " + Series.COLUMNS + " FROM series WHERE id = $1 AND user_id = $2 AND active FOR UPDATE";

  /** Serialises the series-per-user check of one user's requests. */
  static final String LOCK_USER = "SELECT 1 FROM users WHERE id = $1 FOR UPDATE";

  /** The user's active series, leaving out {@code $2} (one being replaced), if any. */
  static final String ACTIVE_COUNT = """
    SELECT count(*) FROM series WHERE user_id = $1 AND active AND ($2::uuid IS NULL OR id <> $2)
    """;

  static final String END = """
    UPDATE series SET active = false, next_occurrence_at = NULL, updated_at = now() WHERE id = $1
    """;

  static final String SKIP_TO = """
    UPDATE series SET next_occurrence_at = $2, updated_at = now() WHERE id = $1
    """;

  static final String SKIP = """
    UPDATE series SET exdates = array_append(exdates, $2), next_occurrence_at = $3, active = $4, updated_at = now()
     WHERE id = $1
    RETURNING""" + " " + Series.COLUMNS;

  /**
   * The instance the completion of {@code $1} spawned in series {@code $3}, locked (before its series, as every
   * request that changes a task and its series locks them).
   */
  static final String SPAWNED_BY = """
    SELECT""" + " " + Task.COLUMNS + """
      FROM tasks WHERE series_id = $3 AND spawned_from = $1 AND user_id = $2
       FOR UPDATE
    """;

  /** Whether the user gave the instance a reminder of its own (not one inherited from the instance before). */
  static final String OWN_REMINDERS = """
    SELECT EXISTS (SELECT 1 FROM reminders WHERE task_id = $1 AND user_id = $2 AND inherited_from IS NULL)
    """;

  static final String DELETE_INSTANCE = "DELETE FROM tasks WHERE id = $1 AND user_id = $2";

  /** A deleted task's reminders that would still fire (kept, cancelled, as a deletion through the API keeps them). */
  static final String CANCEL_REMINDERS = """
    UPDATE reminders SET state = 'cancelled' WHERE task_id = $1 AND user_id = $2 AND state = 'pending'
    """;

  /**
   * The spawn of occurrence {@code $3} undone: the newest instance is {@code $2} again, the schedule's next is
   * {@code $3} again ({@code $4}: null for a completion-anchored series), one instance fewer.
   */
  static final String RETRACT = """
    UPDATE series SET last_occurrence_at = $2, next_occurrence_at = $4, instances = instances - 1, updated_at = now()
     WHERE id = $1 AND last_occurrence_at = $3
    """;

  /** A new instance was spawned for {@code $2}. */
  static final String ADVANCE = """
    UPDATE series SET last_occurrence_at = $2, next_occurrence_at = $3, instances = instances + 1, template = $4,
                      updated_at = now()
     WHERE id = $1
    """;

  /** The user's active series with their current instance, newest first, keyset-paged on (created_at, id). */
  static final String LIST = """
    SELECT s.id, s.user_id, s.rrule, s.dtstart, s.timezone, s.exdates, s.anchor, s.spawn, s.template,
           s.last_occurrence_at, s.next_occurrence_at, s.instances, s.active, s.created_at, t.id AS task_id
      FROM series s
      LEFT JOIN tasks t ON t.series_id = s.id AND t.occurrence_at = s.last_occurrence_at
     WHERE s.user_id = $1 AND s.active
       AND ($2::timestamptz IS NULL OR (s.created_at, s.id) < ($2, $3::uuid))
     ORDER BY s.created_at DESC, s.id DESC
     LIMIT $4
    """;

  /** On-schedule series whose next occurrence has come, claimed so no other verticle spawns them too. */
  static final String CLAIM_DUE = """
    SELECT""" + " " + Series.COLUMNS + """
      , clock_timestamp() AS now
      FROM series
     WHERE active AND spawn = 'on_schedule' AND next_occurrence_at <= clock_timestamp()
     ORDER BY next_occurrence_at
     LIMIT $1
       FOR UPDATE SKIP LOCKED
    """;

  /** Milliseconds until the earliest on-schedule occurrence, by the database's clock; null when there is none. */
  static final String NEXT_DUE = """
    SELECT ceil(extract(epoch FROM min(next_occurrence_at) - clock_timestamp()) * 1000)::int8
      FROM series WHERE active AND spawn = 'on_schedule'
    """;

  private SeriesSql() {
  }
}
