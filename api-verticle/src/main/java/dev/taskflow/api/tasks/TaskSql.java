package dev.taskflow.api.tasks;

import dev.taskflow.core.tasks.Task;

/** The SQL of the tasks repository. Every statement is scoped to one user. */
final class TaskSql {

  static final String COLUMNS = Task.COLUMNS;

  static final String INSERT = """
    INSERT INTO tasks (id, user_id, title, description, priority, tags, due_at, timezone)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    RETURNING""" + " " + COLUMNS;

  static final String BY_ID = "SELECT " + COLUMNS + " FROM tasks WHERE id = $1 AND user_id = $2";

  static final String BY_ID_FOR_UPDATE = BY_ID + " FOR UPDATE";

  static final String UPDATE = """
    UPDATE tasks
       SET title = $3, description = $4, priority = $5, tags = $6, due_at = $7, timezone = $8,
           status = $9, completed_at = CASE WHEN $9 = 'completed' THEN coalesce(completed_at, now()) END,
           version = version + 1, updated_at = now()
     WHERE id = $1 AND user_id = $2
    RETURNING""" + " " + COLUMNS;

  static final String DELETE = "DELETE FROM tasks WHERE id = $1 AND user_id = $2";

  /**
   * One statement for every combination of filters: a filter whose parameter is NULL is off. Keyset pagination on
   * (created_at, id), newest first, served by tasks_user_created_idx.
   */
  static final String LIST = "SELECT " + COLUMNS + """
      FROM tasks
     WHERE user_id = $1
       AND ($2::text IS NULL OR status = $2)
       AND ($3::timestamptz IS NULL OR due_at < $3)
       AND ($4::timestamptz IS NULL OR due_at > $4)
       AND ($5::text IS NULL OR tags @> ARRAY[$5::text])
       AND ($6::text IS NULL OR title ILIKE $6 OR description ILIKE $6)
       AND ($7::timestamptz IS NULL OR (created_at, id) < ($7, $8::uuid))
       AND ($10::uuid IS NULL OR series_id = $10)
     ORDER BY created_at DESC, id DESC
     LIMIT $9
    """;

  private TaskSql() {
  }
}
