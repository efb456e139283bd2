package dev.taskflow.api.projects;

/**
 * The statements of {@link ProjectRepository}. A project is read through the caller's membership ({@code role}), so
 * a project the caller is not a member of is no row at all, like one that does not exist.
 *
 * <p>Locks, in the one order every writer takes them: the member's reminders (a removal), the project row, the
 * account's row (the outbox's sequence, last). A task's writers take the task, its reminders, the project (scope or
 * key share) and the account's row in that order too, so neither waits for the other in a cycle. A change of the
 * project or its members takes {@code FOR NO KEY UPDATE}, which lets tasks be added meanwhile (their foreign key takes
 * {@code FOR KEY SHARE}); its deletion takes {@code FOR UPDATE}, which waits for them and then makes them wait. An
 * account's deletion crosses other accounts' orders (its projects, its row, then the rows of the accounts whose
 * projects it leaves, while their writers hold those first); the deadlock PostgreSQL breaks then is retried
 * ({@code Transactions.retrying}).
 */
final class ProjectSql {

  private ProjectSql() {
  }

  private static final String COLUMNS = """
    p.id, p.user_id, p.name, p.inbox, p.created_at, p.updated_at, p.version, m.role,
    o.display_name AS owner_name,
    (SELECT count(*) FROM project_members c WHERE c.project_id = p.id) AS member_count""";

  private static final String FROM =
    " FROM project_members m JOIN projects p ON p.id = m.project_id JOIN users o ON o.id = p.user_id";

  /** The caller's ($1) projects: the Inbox first, then by name; at most $2. */
  static final String LIST = "SELECT " + COLUMNS + FROM
    + " WHERE m.user_id = $1 ORDER BY p.inbox DESC, lower(p.name), p.id LIMIT $2";

  /** Project $1 as the caller ($2) sees it; no row when they are not a member. */
  static final String BY_ID = "SELECT " + COLUMNS + FROM + " WHERE p.id = $1 AND m.user_id = $2";

  static final String BY_ID_FOR_CHANGE = BY_ID + " FOR NO KEY UPDATE OF p";

  static final String BY_ID_FOR_DELETE = BY_ID + " FOR UPDATE OF p";

  /** The caller's own account row, locked: creations of one account queue, so the limit holds. */
  static final String LOCK_ACCOUNT = "SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE";

  static final String COUNT_OWNED = "SELECT count(*) FROM projects WHERE user_id = $1";

  static final String INSERT = """
    INSERT INTO projects (id, user_id, name) VALUES ($1, $2, $3)""";

  /**
   * {@code added_at} is the insert's own time, not its transaction's start: the live bridge tells a membership that is
   * newer than a revocation it heard from the one revoked by it (see LiveBridge).
   */
  static final String INSERT_MEMBER = """
    INSERT INTO project_members (project_id, user_id, role, added_at) VALUES ($1, $2, $3, clock_timestamp())
    RETURNING user_id, role, added_at""";

  static final String RENAME = """
    UPDATE projects SET name = $2, version = version + 1, updated_at = now() WHERE id = $1""";

  static final String COUNT_TASKS = "SELECT count(*) FROM tasks WHERE project_id = $1";

  static final String DELETE = "DELETE FROM projects WHERE id = $1";

  /** Its members, the project's account first, then by when they were added. */
  static final String MEMBERS = """
    SELECT m.user_id, u.email, u.display_name, m.role, m.added_at
      FROM project_members m JOIN users u ON u.id = m.user_id JOIN projects p ON p.id = m.project_id
     WHERE m.project_id = $1
     ORDER BY (m.user_id = p.user_id) DESC, m.added_at, m.user_id""";

  static final String MEMBER = """
    SELECT m.user_id, u.email, u.display_name, m.role, m.added_at
      FROM project_members m JOIN users u ON u.id = m.user_id
     WHERE m.project_id = $1 AND m.user_id = $2""";

  static final String MEMBER_IDS = "SELECT user_id FROM project_members WHERE project_id = $1";

  /** Counted after the project is locked (a statement of its own, so it sees the additions committed meanwhile). */
  static final String COUNT_MEMBERS = "SELECT count(*) FROM project_members WHERE project_id = $1";

  /** The account to add, key-share locked: its deletion waits for the membership's commit, or this for its. */
  static final String USER_BY_EMAIL =
    "SELECT id, email, display_name FROM users WHERE lower(email) = lower($1) FOR KEY SHARE";

  /** The sequence of the member.added event of member $2: the account's events from it on are theirs (webhooks). */
  static final String SET_ADDED_SEQ =
    "UPDATE project_members SET added_seq = $3 WHERE project_id = $1 AND user_id = $2";

  static final String SET_ROLE = """
    UPDATE project_members SET role = $3 WHERE project_id = $1 AND user_id = $2""";

  static final String REMOVE_MEMBER = "DELETE FROM project_members WHERE project_id = $1 AND user_id = $2";

  /** A leaving member's reminders on the project's tasks: theirs, about tasks they no longer see. */
  static final String DELETE_MEMBER_REMINDERS = """
    DELETE FROM reminders r USING tasks t WHERE t.id = r.task_id AND t.project_id = $1 AND r.user_id = $2""";

  /**
   * For an account's deletion: its projects shared with others ({@code members}: the others), and its memberships
   * in other accounts' projects ({@code account}: the project's account).
   */
  static final String SHARED_OF_ACCOUNT = """
    SELECT p.id, p.user_id, p.name, p.inbox, p.created_at, p.updated_at, p.version,
           array_agg(m.user_id) AS members
      FROM projects p JOIN project_members m ON m.project_id = p.id AND m.user_id <> p.user_id
     WHERE p.user_id = $1
     GROUP BY p.id""";

  /**
   * First the rows of the accounts whose projects the deleted account ($1) is a member of, locked in id order (their
   * outbox sequence, which the events take): a writer of theirs that holds one (a removal of this member, a deletion
   * of the project, the account's own deletion) is waited for. {@link #MEMBERSHIPS_ELSEWHERE}, a statement of its
   * own, then reads the memberships as they are after those commits, not as before them.
   */
  static final String LOCK_ACCOUNTS_ELSEWHERE = """
    SELECT a.id FROM users a
     WHERE a.id IN (SELECT p.user_id FROM project_members m JOIN projects p ON p.id = m.project_id
                     WHERE m.user_id = $1 AND p.user_id <> $1)
     ORDER BY a.id
       FOR NO KEY UPDATE""";

  static final String MEMBERSHIPS_ELSEWHERE = """
    SELECT p.id, p.user_id, p.name, p.inbox, p.created_at, p.updated_at, p.version, m.role
      FROM project_members m JOIN projects p ON p.id = m.project_id
     WHERE m.user_id = $1 AND p.user_id <> $1
     ORDER BY p.user_id, p.id""";
}
