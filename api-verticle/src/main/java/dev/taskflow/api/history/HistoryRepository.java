package dev.taskflow.api.history;

import dev.taskflow.api.tasks.TaskAccess;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Whose history a task's is. The audit log keeps each account's events (every event of a project's task is written
 * under the project's account, whichever member made the change), so a member of a shared project reads the task's
 * history as its account's; the membership is checked here, as every read of a task checks it ({@link TaskAccess}).
 */
public final class HistoryRepository {

  /** The task's account and the caller's ($2) role in its project. */
  static final String TASK_ACCOUNT = "SELECT user_id, " + TaskAccess.ROLE + " FROM tasks WHERE id = $1";

  private final Pool pool;

  public HistoryRepository(Pool pool) {
    this.pool = pool;
  }

  /**
   * The user whose history holds the task: its account when the caller is a member of its project; a 404 (as for a
   * missing task) when the caller is not. A task that is gone (deleted) has no project to ask: its history is looked
   * up as the caller's own, so a deleted shared task's history stays its account's.
   */
  public Future<UUID> historyOwner(UUID taskId, UUID caller) {
    return pool.preparedQuery(TASK_ACCOUNT).execute(Tuple.of(taskId, caller)).map(rows -> {
      if (rows.size() == 0) {
        return caller;
      }
      Row row = rows.iterator().next();
      if (row.getString("caller_role") == null) {
        throw TaskAccess.notFound(taskId);
      }
      return row.getUUID("user_id");
    });
  }
}
