package dev.taskflow.api.tasks;

import dev.taskflow.core.tasks.Task;

/**
 * The SQL of the tasks repository. A caller reaches a task through its project's membership: every statement that
 * starts from a caller's request reads the caller's role in the task's project ({@link TaskAccess#ROLE}; null: not a
 * member, the task is not there for them); statements on a task already read that way are keyed by its account
 * ({@code tasks.user_id}, the project's account).
 */
final class TaskSql {

  static final String COLUMNS = Task.COLUMNS;

  static final String INSERT = """
    INSERT INTO tasks (id, user_id, title, description, priority, tags, due_at, timezone, parent_id, position,
                       project_id)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10::bigint, -nextval('tasks_position_seq') * 65536), $11)
    RETURNING""" + " " + COLUMNS;

  /** A task with the caller's ($2) role in its project. */
  static final String BY_ID = "SELECT " + COLUMNS + ", " + TaskAccess.ROLE + " FROM tasks WHERE id = $1";

  static final String BY_ID_FOR_UPDATE = BY_ID + " FOR UPDATE OF tasks";

  /**
   * A project a task is created in or moved to ($1; NULL: the caller's Inbox), with its account and the caller's ($2)
   * role, locked against its deletion (which takes FOR UPDATE) until the task is written.
   */
  static final String TARGET_PROJECT = """
    SELECT p.id, p.user_id, p.name, m.role
      FROM projects p JOIN project_members m ON m.project_id = p.id AND m.user_id = $2
     WHERE CASE WHEN $1::uuid IS NULL THEN p.user_id = $2 AND p.inbox ELSE p.id = $1 END
       FOR KEY SHARE OF p""";

  /** Whether the caller ($2) is a member of project $1, and the caller's Inbox's id (for lists without a project). */
  static final String MEMBER_OF = """
    SELECT p.id FROM projects p JOIN project_members m ON m.project_id = p.id AND m.user_id = $2
     WHERE CASE WHEN $1::uuid IS NULL THEN p.user_id = $2 AND p.inbox ELSE p.id = $1 END""";

  /** A moved parent's subtasks follow it to its new project. */
  static final String MOVE_SUBTASKS = """
    UPDATE tasks SET project_id = $3, version = version + 1, updated_at = now()
     WHERE parent_id = $1 AND user_id = $2
    RETURNING""" + " " + COLUMNS;
  static final String UPDATE = """
    UPDATE tasks
       SET title = $3, description = $4, priority = $5, tags = $6, due_at = $7, timezone = $8,
           status = $9, completed_at = CASE WHEN $9 = 'completed' THEN coalesce(completed_at, now()) END,
           parent_id = $10, position = $11, project_id = $12, version = version + 1, updated_at = now()
     WHERE id = $1 AND user_id = $2
    RETURNING""" + " " + COLUMNS;

  static final String DELETE = "DELETE FROM tasks WHERE id = $1 AND user_id = $2";

  /**
   * One statement for every combination of filters: a filter whose parameter is NULL is off. Keyset pagination on
   * (created_at, id), newest first, over the projects the user ($1) is a member of, or one of them ($13).
   */
  static final String LIST = "SELECT " + COLUMNS + ", " + TaskSql.SUBTASK_COUNTS + """
      FROM tasks
     WHERE project_id IN (SELECT m.project_id FROM project_members m WHERE m.user_id = $1)
       AND ($13::uuid IS NULL OR project_id = $13)
       AND ($2::text IS NULL OR status = $2)
       AND ($3::timestamptz IS NULL OR due_at < $3)
       AND ($4::timestamptz IS NULL OR due_at > $4)
       AND ($5::text IS NULL OR tags @> ARRAY[$5::text])
       AND ($6::text IS NULL OR title ILIKE $6 OR description ILIKE $6)
       AND ($7::timestamptz IS NULL OR (created_at, id) < ($7, $8::uuid))
       AND ($10::uuid IS NULL OR series_id = $10)
       AND (NOT $11::boolean OR parent_id IS NULL)
       AND ($12::uuid IS NULL OR parent_id = $12)
     ORDER BY created_at DESC, id DESC
     LIMIT $9
    """;

  // ---- subtasks and manual ordering (issue 14) ----
  //
  // An ordering scope is (project_id, parent_id): a project's top-level tasks (parent_id NULL), or one task's
  // subtasks (always in their parent's project). $1 in the scope statements below is the project.

  /** The open and done subtasks of each listed task. */
  static final String SUBTASK_COUNTS = """
    (SELECT count(*) FROM tasks s WHERE s.parent_id = tasks.id AND s.status = 'open') AS subtasks_open,
    (SELECT count(*) FROM tasks s WHERE s.parent_id = tasks.id AND s.status = 'completed') AS subtasks_done""";

  /** Held while a position is chosen from neighbours, so two writers of a scope never choose the same one. */
  static final String SCOPE_LOCK = "SELECT 1 FROM projects WHERE id = $1 FOR UPDATE";

  /** A position lower than every one given so far: placing a task first needs no neighbour. */
  static final String FIRST_POSITION = "SELECT -nextval('tasks_position_seq') * 65536 AS position";

  /** A task of the scope ($1 project, $2 parent or NULL) by id ($3). */
  static final String SCOPE_MEMBER = """
    SELECT id, position FROM tasks WHERE project_id = $1 AND parent_id IS NOT DISTINCT FROM $2 AND id = $3""";

  /** The scope's next task after position $3, the moving task $4 left out. */
  static final String SCOPE_NEXT = """
    SELECT id, position FROM tasks
     WHERE project_id = $1 AND parent_id IS NOT DISTINCT FROM $2 AND position > $3 AND id <> $4
     ORDER BY position LIMIT 1""";

  /** The scope's task before position $3, the moving task $4 left out. */
  static final String SCOPE_PREVIOUS = """
    SELECT id, position FROM tasks
     WHERE project_id = $1 AND parent_id IS NOT DISTINCT FROM $2 AND position < $3 AND id <> $4
     ORDER BY position DESC LIMIT 1""";

  /** The scope's last position (NULL when it is empty). */
  static final String SCOPE_LAST = """
    SELECT max(position) AS position FROM tasks WHERE project_id = $1 AND parent_id IS NOT DISTINCT FROM $2""";

  /** The scope's lowest position (NULL when it is empty). */
  static final String SCOPE_FIRST = """
    SELECT min(position) AS position FROM tasks WHERE project_id = $1 AND parent_id IS NOT DISTINCT FROM $2""";

  /**
   * Re-spacing, step 1: the scope's positions out of the way, to -2^62 + rank (no other position is that low; a
   * unique index is checked row by row, so the scope cannot be re-spaced in place in one statement).
   */
  static final String RESPACE_ASIDE = """
    WITH ranked AS (
      SELECT id, row_number() OVER (ORDER BY position, id) - 1 AS n FROM tasks
       WHERE project_id = $1 AND parent_id IS NOT DISTINCT FROM $2)
    UPDATE tasks SET position = -4611686018427387904 + ranked.n FROM ranked WHERE tasks.id = ranked.id""";

  /** Re-spacing, step 2: rank r goes to $3 (the scope's old lowest position) + r * 65536. */
  static final String RESPACE_BACK = """
    UPDATE tasks SET position = $3 + (position + 4611686018427387904) * 65536
     WHERE project_id = $1 AND parent_id IS NOT DISTINCT FROM $2 AND position < -4611686018427387904 + 1000000000""";

  static final String SET_POSITION = """
    UPDATE tasks SET position = $3, version = version + 1, updated_at = now()
     WHERE id = $1 AND user_id = $2
    RETURNING""" + " " + COLUMNS;

  /** Locked in id order, as {@link #SCOPE_ROWS_FOR_UPDATE} locks them (a parent's deletion and a re-spacing). */
  static final String SUBTASKS_FOR_UPDATE = "SELECT " + COLUMNS
    + " FROM tasks WHERE parent_id = $1 AND user_id = $2 ORDER BY id FOR UPDATE";

  /**
   * Every task of a scope, locked in id order: what a re-spacing holds before it takes the scope lock. NO KEY UPDATE
   * (what its UPDATE of position needs: the position index is an expression index, no key), so it does not wait for
   * nor block {@link #PARENT_LOCK}: a patch that holds its task and locks the new parent never deadlocks with it.
   */
  static final String SCOPE_ROWS_FOR_UPDATE = """
    SELECT id FROM tasks WHERE project_id = $1 AND parent_id IS NOT DISTINCT FROM $2 ORDER BY id FOR NO KEY UPDATE""";

  /**
   * A new subtask's parent, locked against becoming a subtask or being deleted meanwhile (both take FOR UPDATE, which
   * KEY SHARE conflicts with), not against a re-spacing of its list.
   */
  static final String PARENT_LOCK =
    "SELECT " + COLUMNS + " FROM tasks WHERE id = $1 AND project_id = $2 FOR KEY SHARE";

  static final String HAS_SUBTASKS = "SELECT 1 FROM tasks WHERE parent_id = $1 AND user_id = $2 LIMIT 1";

  /**
   * One ordering scope ($1: the project, $11: the parent, NULL for the top level) in manual order, keyset-paged on
   * (position, id); the caller's membership is checked first.
   */
  static final String LIST_MANUAL = "SELECT " + COLUMNS + ", " + SUBTASK_COUNTS + """
      FROM tasks
     WHERE project_id = $1
       AND ($2::text IS NULL OR status = $2)
       AND ($3::timestamptz IS NULL OR due_at < $3)
       AND ($4::timestamptz IS NULL OR due_at > $4)
       AND ($5::text IS NULL OR tags @> ARRAY[$5::text])
       AND ($6::text IS NULL OR title ILIKE $6 OR description ILIKE $6)
       AND ($7::bigint IS NULL OR (position, id) > ($7, $8::uuid))
       AND ($10::uuid IS NULL OR series_id = $10)
       AND parent_id IS NOT DISTINCT FROM $11::uuid
     ORDER BY position, id
     LIMIT $9
    """;

  private TaskSql() {
  }
}
