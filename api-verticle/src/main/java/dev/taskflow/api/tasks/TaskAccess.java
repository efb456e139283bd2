package dev.taskflow.api.tasks;

import dev.taskflow.api.http.Problem;
import dev.taskflow.core.tasks.Task;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.util.UUID;

/**
 * Who may do what with a project's tasks: any member sees them, owners and editors change them, viewers only look.
 * A task of a project the caller is not a member of is answered exactly like one that does not exist (404), so ids
 * leak nothing; a viewer's change is a 403 that says why.
 */
public final class TaskAccess {

  public static final String OWNER = "owner";
  public static final String EDITOR = "editor";
  public static final String VIEWER = "viewer";

  /** The caller's ($2) role in the task's project as {@code caller_role}, null when they are not a member. */
  public static final String ROLE = """
    (SELECT m.role FROM project_members m WHERE m.project_id = tasks.project_id AND m.user_id = $2) AS caller_role""";

  private TaskAccess() {
  }

  public static boolean canChange(String role) {
    return OWNER.equals(role) || EDITOR.equals(role);
  }

  /** The task of a row read with {@link #ROLE}, if the caller is a member of its project; else a 404. */
  public static Task visible(RowSet<Row> rows, UUID id) {
    if (rows.size() == 0) {
      throw notFound(id);
    }
    Row row = rows.iterator().next();
    if (row.getString("caller_role") == null) {
      throw notFound(id);
    }
    return Task.from(row);
  }

  /** As {@link #visible}, and the caller may change it (owner or editor of its project); a viewer gets a 403. */
  public static Task changeable(RowSet<Row> rows, UUID id) {
    Task task = visible(rows, id);
    requireChange(rows.iterator().next().getString("caller_role"), task.projectId());
    return task;
  }

  /** A 403 unless the role may change the project's tasks. */
  public static void requireChange(String role, UUID projectId) {
    if (!canChange(role)) {
      throw Problem.forbidden("You can view project " + projectId + " but not change it (you are a " + role
        + " of it; its owners can make you an editor).");
    }
  }

  public static Problem notFound(UUID id) {
    return Problem.notFound("No task " + id + ".");
  }
}
