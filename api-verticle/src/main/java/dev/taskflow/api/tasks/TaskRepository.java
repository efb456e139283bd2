package dev.taskflow.api.tasks;

import dev.taskflow.core.db.Transactions;
import dev.taskflow.core.tasks.Task;

import dev.taskflow.api.http.Problem;
import dev.taskflow.api.reminders.ReminderSpec;
import dev.taskflow.api.reminders.TaskReminders;
import dev.taskflow.core.reminders.Reminder;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.reminders.ReminderWriter;
import dev.taskflow.core.outbox.OutboxWriter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Objects;
import java.util.UUID;

/**
 * The tasks of the projects a user is a member of ({@link TaskAccess}: any member sees them, owners and editors change
 * them). Every change and its one outbox event commit in the same transaction; a call that changes nothing (completing
 * a completed task, an empty patch) writes no event. The event is written under the task's account (its project's:
 * {@code tasks.user_id}), whoever of the members made the change; its data names the one who did ({@code actorId}).
 * The task's reminders follow in the same transaction ({@link TaskReminders}): they move with the due date, completing
 * or deleting cancels them, reopening restores those still ahead.
 *
 * <p>Subtasks (one level): a subtask's parent is a top-level task of the same project; deleting a parent deletes its
 * subtasks first (an event each); completing a parent leaves its subtasks as they are; a subtask is always in its
 * parent's project. Manual order: every task has a {@code position} within its scope, its project's top level or its
 * parent's subtasks (see {@link #move}, V12, V13); a change of parent or project places the task first among the
 * top-level tasks or last among its new siblings.
 */
public final class TaskRepository {

  private static final Logger LOG = LoggerFactory.getLogger(TaskRepository.class);

  /** One page of a list, with each task's subtask counts ({@code {open, done}}). */
  public record Page(List<Task> items, String nextCursor, Map<UUID, JsonObject> subtasks) {
  }

  /**
   * The list filters; a null filter is off. {@code topLevel}: no subtasks; {@code parentId}: that task's subtasks
   * only. {@code manual}: one ordering scope (the top level, or {@code parentId}'s subtasks) in manual order, paged
   * by {@code afterPosition} instead of {@code after}. {@code projectId}: that project's tasks only (the caller must
   * be a member); a manual order is always one project's, the caller's Inbox when none is named.
   */
  public record Query(String status, OffsetDateTime dueBefore, OffsetDateTime dueAfter, String tag, String text,
                      UUID seriesId, Cursor after, int limit, boolean topLevel, UUID parentId, boolean manual,
                      PositionCursor afterPosition, UUID projectId) {
  }

  /** The gap between neighbours that a new last task or a re-spaced scope leaves (see V12). */
  static final long GAP = 65536;

  private final Pool pool;
  private final OutboxWriter outbox;

  public TaskRepository(Pool pool, OutboxWriter outbox) {
    this.pool = pool;
    this.outbox = outbox;
  }

  /** A new task and the reminders it was created with. */
  public record Created(Task task, List<Reminder> reminders) {
  }

  public Future<Task> create(UUID userId, TaskDraft draft, String correlationId) {
    return createWithReminders(userId, draft, List.of(), correlationId).map(Created::task);
  }

  /**
   * Creates a task and its reminders (the creator's) in one transaction: all of them or nothing. The task goes into
   * {@code draft.projectId()}, or the creator's Inbox; a subtask into its parent's project.
   */
  public Future<Created> createWithReminders(UUID userId, TaskDraft draft, List<ReminderSpec> reminders,
                                             String correlationId) {
    return Transactions.retrying(pool, tx -> targetProject(tx, userId, draft.projectId(), draft.parentId())
      .compose(project -> positionForNew(tx, project.id(), draft.parentId())
        .compose(position -> tx.preparedQuery(TaskSql.INSERT)
          .execute(Tuple.from(new Object[]{UUID.randomUUID(), project.accountId(), draft.title(),
            draft.description(), draft.priority(), draft.tags().toArray(String[]::new), draft.dueAt(),
            draft.timezone(), draft.parentId(), position, project.id()}))))
      .map(rows -> Task.from(rows.iterator().next()))
      .compose(task -> TaskReminders.add(tx, task, userId, reminders)
        .compose(added -> emit(tx, task, userId, EventTypes.TASK_CREATED, correlationId, null)
          .map(new Created(task, added)))));
  }

  /** A project a task is created in or moved to, as the caller reached it. */
  public record Target(UUID id, UUID accountId, String role) {
  }

  /** The project a new task would go to ({@code projectId}, or the caller's Inbox), checked as {@link #targetProject}.
   */
  public Future<Target> target(UUID userId, UUID projectId) {
    return Transactions.retrying(pool, tx -> targetProject(tx, userId, projectId, null));
  }

  /**
   * The project a task goes to: {@code projectId}, or the caller's Inbox when null, and the parent's project for a
   * subtask (naming another one is a 422). A 404 when the caller is not a member, a 403 for a viewer; the project row
   * is locked against its deletion until the transaction ends.
   */
  public static Future<Target> targetProject(SqlConnection tx, UUID userId, UUID projectId, UUID parentId) {
    Future<UUID> wanted = parentId == null ? Future.succeededFuture(projectId)
      : tx.preparedQuery(TaskSql.BY_ID).execute(Tuple.of(parentId, userId)).map(rows -> {
        Task parent;
        try {
          parent = TaskAccess.visible(rows, parentId);
        } catch (Problem e) {
          throw Problem.notFound("No task " + parentId + " (parentId).");
        }
        if (projectId != null && !projectId.equals(parent.projectId())) {
          throw Problem.unprocessable("A subtask is in its parent's project: task " + parentId + " is in project "
            + parent.projectId() + ", not " + projectId + ".");
        }
        return parent.projectId();
      });
    return wanted.compose(id -> tx.preparedQuery(TaskSql.TARGET_PROJECT).execute(Tuple.of(id, userId)).map(rows -> {
      if (rows.size() == 0) {
        throw Problem.notFound(id == null ? "You have no Inbox." : "No project " + id + ".");
      }
      Row row = rows.iterator().next();
      Target target = new Target(row.getUUID("id"), row.getUUID("user_id"), row.getString("role"));
      TaskAccess.requireChange(target.role(), target.id());
      return target;
    }));
  }

  /** A task of a project the user is a member of (any role). */
  public Future<Task> find(UUID userId, UUID id) {
    return pool.preparedQuery(TaskSql.BY_ID).execute(Tuple.of(id, userId)).map(rows -> TaskAccess.visible(rows, id));
  }

  /** A task the user may change (owner or editor of its project): 404 when not a member, 403 for a viewer. */
  public Future<Task> findChangeable(UUID userId, UUID id) {
    return pool.preparedQuery(TaskSql.BY_ID).execute(Tuple.of(id, userId))
      .map(rows -> TaskAccess.changeable(rows, id));
  }

  public Future<Page> list(UUID userId, Query q) {
    String text = q.text() == null ? null : "%" + likeEscape(q.text()) + "%";
    if (q.manual()) {
      PositionCursor after = q.afterPosition();
      // a parent's subtasks are in the parent's project; the top level is the named project's, or the Inbox's
      Future<UUID> scope = q.parentId() != null ? find(userId, q.parentId()).map(Task::projectId)
        : memberOf(userId, q.projectId());
      return scope.compose(projectId -> pool.preparedQuery(TaskSql.LIST_MANUAL)
        .execute(Tuple.from(new Object[]{projectId, q.status(), q.dueBefore(), q.dueAfter(), q.tag(), text,
          after == null ? null : after.position(), after == null ? null : after.id(), q.limit() + 1, q.seriesId(),
          q.parentId()})))
        .map(rows -> page(rows, q.limit(), last -> new PositionCursor(last.position(), last.id()).encode()));
    }
    Tuple params = Tuple.from(new Object[]{userId, q.status(), q.dueBefore(), q.dueAfter(), q.tag(), text,
      q.after() == null ? null : q.after().createdAt(), q.after() == null ? null : q.after().id(),
      q.limit() + 1, q.seriesId(), q.topLevel(), q.parentId(), q.projectId()});
    Future<UUID> checked = q.projectId() == null ? Future.succeededFuture() : memberOf(userId, q.projectId());
    return checked.compose(v -> pool.preparedQuery(TaskSql.LIST).execute(params))
      .map(rows -> page(rows, q.limit(), last -> new Cursor(last.createdAt(), last.id()).encode()));
  }

  /** The project, if the user is a member of it (else a 404); the user's Inbox for null. */
  private Future<UUID> memberOf(UUID userId, UUID projectId) {
    return pool.preparedQuery(TaskSql.MEMBER_OF).execute(Tuple.of(projectId, userId)).map(rows -> {
      if (rows.size() == 0) {
        throw Problem.notFound(projectId == null ? "You have no Inbox." : "No project " + projectId + ".");
      }
      return rows.iterator().next().getUUID("id");
    });
  }

  private static Page page(RowSet<Row> rows, int limit, Function<Task, String> cursorOf) {
    List<Task> items = new ArrayList<>(limit);
    Map<UUID, JsonObject> subtasks = new HashMap<>();
    boolean more = false;
    for (Row row : rows) {
      if (items.size() == limit) {
        more = true;
        break;
      }
      Task task = Task.from(row);
      items.add(task);
      subtasks.put(task.id(), new JsonObject().put("open", row.getLong("subtasks_open"))
        .put("done", row.getLong("subtasks_done")));
    }
    Task last = items.isEmpty() ? null : items.get(items.size() - 1);
    return new Page(items, more ? cursorOf.apply(last) : null, subtasks);
  }

  /** Applies a JSON merge patch (fields already validated). */
  public Future<Task> update(UUID userId, UUID id, JsonObject patch, String ifMatch, String correlationId) {
    return Transactions.retrying(pool, tx -> lockForChange(tx, userId, id, ifMatch).compose(current -> {
      JsonObject changes = new JsonObject();
      String title = pick(patch, "title", current.title(), TaskInput.title(patch.getString("title")), changes);
      String description = pick(patch, "description", current.description(), patch.getString("description"), changes);
      String priority = pick(patch, "priority", current.priority(), patch.getString("priority"), changes);
      List<String> tags = pick(patch, "tags", current.tags(), TaskInput.tags(patch.getJsonArray("tags")), changes);
      OffsetDateTime dueAt = pick(patch, "dueAt", current.dueAt(),
        TaskInput.instant("dueAt", patch.getString("dueAt")), changes);
      String timezone = pick(patch, "timezone", current.timezone(),
        TaskInput.zone("timezone", patch.getString("timezone")), changes);
      UUID parentId = pick(patch, "parentId", current.parentId(),
        TaskInput.uuid("parentId", patch.getString("parentId")), changes);
      UUID projectId = pick(patch, "projectId", current.projectId(), projectOf(patch), changes);
      if (changes.isEmpty()) {
        return Future.succeededFuture(current);
      }
      boolean projectMoves = !projectId.equals(current.projectId());
      Future<Long> position = Objects.equals(parentId, current.parentId()) && !projectMoves
        ? Future.succeededFuture(current.position())
        : checkProjectMove(tx, userId, current, projectId, parentId)
          .compose(v -> checkCanBeSubtask(tx, current, parentId))
          .compose(v -> positionForNew(tx, projectId, parentId));
      return position.compose(at -> write(tx, current, title, description, priority, tags, dueAt, timezone,
          current.status(), parentId, at, projectId))
        .compose(task -> changes.containsKey("dueAt") || changes.containsKey("timezone")
          ? ReminderWriter.moveRelative(tx, task).map(task) : Future.succeededFuture(task))
        .compose(task -> emit(tx, task, userId, EventTypes.TASK_UPDATED, correlationId, changes))
        .compose(task -> projectMoves ? moveSubtasks(tx, task, current.projectId(), userId, correlationId)
          : Future.succeededFuture(task));
    }));
  }

  /** {@code projectId} of a patch: a project's id; null is refused, every task is in a project. */
  private static UUID projectOf(JsonObject patch) {
    if (patch.containsKey("projectId") && patch.getValue("projectId") == null) {
      throw Problem.badRequest("projectId cannot be null: every task is in a project (the Inbox when none is named).");
    }
    return TaskInput.uuid("projectId", patch.getString("projectId"));
  }

  /**
   * A task that changes project: to one the caller may change (404, 403), of the same account (409: a task's events
   * are its account's, so a move between accounts would split its history; not offered yet), and not a subtask
   * leaving its parent's project (422).
   */
  private static Future<Void> checkProjectMove(SqlConnection tx, UUID userId, Task task, UUID projectId,
                                               UUID parentId) {
    if (projectId.equals(task.projectId())) {
      return Future.succeededFuture();
    }
    if (parentId != null && parentId.equals(task.parentId())) {
      return Future.failedFuture(Problem.unprocessable("Task " + task.id() + " is a subtask of " + parentId
        + ", and a subtask is in its parent's project: move the parent, or make this one a top-level task "
        + "(parentId null) in the same change."));
    }
    return targetProject(tx, userId, projectId, null).map(target -> {
      if (!target.accountId().equals(task.userId())) {
        throw Problem.conflict("Project " + projectId + " belongs to another account than project "
          + task.projectId() + "; a task moves only between projects of one account. Create it in " + projectId
          + " instead.");
      }
      return null;
    });
  }

  /** A parent moved to another project: its subtasks follow it, an updated event each. */
  private Future<Task> moveSubtasks(SqlConnection tx, Task parent, UUID from, UUID actor, String correlationId) {
    return tx.preparedQuery(TaskSql.MOVE_SUBTASKS).execute(Tuple.of(parent.id(), parent.userId(), parent.projectId()))
      .compose(rows -> {
        Future<Task> chain = Future.succeededFuture(parent);
        for (Row row : rows) {
          Task subtask = Task.from(row);
          JsonObject changes = new JsonObject().put("projectId", new JsonObject().put("old", from.toString())
            .put("new", parent.projectId().toString()));
          chain = chain.compose(v -> emit(tx, subtask, actor, EventTypes.TASK_UPDATED, correlationId, changes))
            .map(parent);
        }
        return chain;
      });
  }

  public Future<Task> complete(UUID userId, UUID id, String correlationId) {
    return changeStatus(userId, id, Task.COMPLETED, EventTypes.TASK_COMPLETED, correlationId);
  }

  public Future<Task> reopen(UUID userId, UUID id, String correlationId) {
    return changeStatus(userId, id, Task.OPEN, EventTypes.TASK_REOPENED, correlationId);
  }

  /** Deletes the task and, first, its subtasks: a {@code taskflow.task.deleted} event for each. */
  public Future<Void> delete(UUID userId, UUID id, String ifMatch, String correlationId) {
    return Transactions.retrying(pool, tx -> lockForChange(tx, userId, id, ifMatch)
      .compose(task -> tx.preparedQuery(TaskSql.SUBTASKS_FOR_UPDATE).execute(Tuple.of(id, task.userId()))
        .compose(rows -> {
          Future<Void> chain = Future.succeededFuture();
          for (Row row : rows) {
            Task subtask = Task.from(row);
            chain = chain.compose(v -> deleteOne(tx, subtask, userId, correlationId));
          }
          return chain.compose(v -> deleteOne(tx, task, userId, correlationId));
        })));
  }

  private Future<Void> deleteOne(SqlConnection tx, Task task, UUID actor, String correlationId) {
    return TaskReminders.deleted(tx, task)
      .compose(v -> tx.preparedQuery(TaskSql.DELETE).execute(Tuple.of(task.id(), task.userId())))
      .compose(rows -> emit(tx, task, actor, EventTypes.TASK_DELETED, correlationId, null))
      .mapEmpty();
  }

  private Future<Task> changeStatus(UUID userId, UUID id, String status, String eventType, String correlationId) {
    return Transactions.retrying(pool, tx -> lockForChange(tx, userId, id, null).compose(current -> {
      if (current.status().equals(status)) {
        return Future.succeededFuture(current);
      }
      return write(tx, current, current.title(), current.description(), current.priority(), current.tags(),
        current.dueAt(), current.timezone(), status, current.parentId(), current.position(), current.projectId())
        .compose(task -> TaskReminders.statusChanged(tx, task).map(task))
        .compose(task -> emit(tx, task, userId, eventType, correlationId, null));
    }));
  }

  /** The task locked, if the caller may change it (404 when not a member of its project, 403 for a viewer). */
  private Future<Task> lockForChange(SqlConnection tx, UUID userId, UUID id, String ifMatch) {
    return tx.preparedQuery(TaskSql.BY_ID_FOR_UPDATE).execute(Tuple.of(id, userId)).map(rows -> {
      Task task = TaskAccess.changeable(rows, id);
      if (ifMatch != null && !ETags.matches(ifMatch, task.version())) {
        throw Problem.preconditionFailed("The task has changed since " + ifMatch + "; it is at version "
          + task.version() + " (ETag " + task.etag() + "). Fetch it again and retry.");
      }
      return task;
    });
  }

  private Future<Task> write(SqlConnection tx, Task current, String title, String description, String priority,
                             List<String> tags, OffsetDateTime dueAt, String timezone, String status, UUID parentId,
                             long position, UUID projectId) {
    return tx.preparedQuery(TaskSql.UPDATE)
      .execute(Tuple.from(new Object[]{current.id(), current.userId(), title, description, priority,
        tags.toArray(String[]::new), dueAt, timezone, status, parentId, position, projectId}))
      .map(rows -> Task.from(rows.iterator().next()));
  }

  /** The task's event, under its account; {@code actor} is the member who made the change. */
  private Future<Task> emit(SqlConnection tx, Task task, UUID actor, String type, String correlationId,
                            JsonObject changes) {
    JsonObject data = new JsonObject().put("task", task.toJson()).put("actorId", actor.toString());
    if (changes != null) {
      data.put("changes", changes);
    }
    return outbox.append(tx, task.userId(), type, task.id().toString(), correlationId, data).map(task);
  }

  /** The patched value of one field, recording {old, new} in {@code changes} when it differs. */
  private static <T> T pick(JsonObject patch, String field, T current, T patched, JsonObject changes) {
    if (!patch.containsKey(field) || Objects.equals(current, patched)) {
      return current;
    }
    changes.put(field, new JsonObject().put("old", jsonValue(current)).put("new", jsonValue(patched)));
    return patched;
  }

  private static Object jsonValue(Object value) {
    if (value instanceof OffsetDateTime time) {
      return Task.instant(time);
    }
    if (value instanceof UUID id) {
      return id.toString();
    }
    if (value instanceof List<?> list) {
      return new JsonArray(new ArrayList<>(list));
    }
    return value;
  }

  // ---- subtasks and manual ordering ----

  /**
   * Moves a task within its ordering scope: right after {@code after} and/or right before {@code before} (both given:
   * they must be neighbours, else a 409, the caller's list is stale). One row is written, unless the neighbours'
   * positions are adjacent and the scope is re-spaced first. The event is {@code taskflow.task.moved}, its data the
   * snapshot and {@code after}/{@code before} (the neighbours' ids, null at an end) and {@code respaced}.
   */
  public Future<Task> move(UUID userId, UUID id, UUID after, UUID before, String ifMatch, String correlationId) {
    if (id.equals(after) || id.equals(before)) {
      return Future.failedFuture(Problem.badRequest("A task cannot be moved before or after itself."));
    }
    return move(userId, id, after, before, ifMatch, correlationId, RESPACE_ATTEMPTS, false);
  }

  /** How many times a move finds its gap used up, re-spaces the list and tries again, before a 409. */
  private static final int RESPACE_ATTEMPTS = 5;

  /** A move's neighbours are adjacent integers: the list is re-spaced, in a transaction of its own, and the move retried. */
  private static final class NoGap extends RuntimeException {
    final UUID projectId;
    final UUID parentId;

    NoGap(UUID projectId, UUID parentId) {
      super(null, null, false, false);
      this.projectId = projectId;
      this.parentId = parentId;
    }
  }

  private Future<Task> move(UUID userId, UUID id, UUID after, UUID before, String ifMatch, String correlationId,
                            int attempts, boolean respaced) {
    return moveOnce(userId, id, after, before, ifMatch, correlationId, respaced).recover(e -> {
      if (!(e instanceof NoGap noGap)) {
        return Future.failedFuture(e);
      }
      if (attempts <= 1) {
        return Future.failedFuture(Problem.conflict("The list of task " + id + " is being reordered by many moves "
          + "at once; move it again."));
      }
      return respace(noGap.projectId, noGap.parentId)
        .compose(v -> move(userId, id, after, before, ifMatch, correlationId, attempts - 1, true));
    });
  }

  private Future<Task> moveOnce(UUID userId, UUID id, UUID after, UUID before, String ifMatch, String correlationId,
                                boolean respaced) {
    return Transactions.retrying(pool, tx -> lockForChange(tx, userId, id, ifMatch)
      .compose(task -> tx.preparedQuery(TaskSql.SCOPE_LOCK).execute(Tuple.of(task.projectId()))
        .compose(v -> place(tx, task, after, before, respaced))
        .compose(placed -> {
          if (placed.position() == null) {
            return Future.succeededFuture(task);
          }
          return tx.preparedQuery(TaskSql.SET_POSITION).execute(Tuple.of(id, task.userId(), placed.position()))
            .map(rows -> Task.from(rows.iterator().next()))
            .compose(moved -> {
              JsonObject data = new JsonObject().put("task", moved.toJson())
                .put("after", placed.after() == null ? null : placed.after().toString())
                .put("before", placed.before() == null ? null : placed.before().toString())
                .put("respaced", placed.respaced()).put("actorId", userId.toString());
              return outbox.append(tx, moved.userId(), EventTypes.TASK_MOVED, id.toString(), correlationId, data)
                .map(moved);
            });
        })));
  }

  /** Where a move puts the task: its new position (null: it is there already) between the neighbours found. */
  private record Placement(Long position, UUID after, UUID before, boolean respaced) {
  }

  private record Neighbour(UUID id, long position) {
  }

  private Future<Placement> place(SqlConnection tx, Task task, UUID afterId, UUID beforeId, boolean respaced) {
    Future<Neighbour> afterF = member(tx, task, afterId, "after");
    Future<Neighbour> beforeF = afterF.compose(a -> member(tx, task, beforeId, "before"));
    return beforeF.compose(given -> {
      Neighbour a = afterF.result();
      if (a != null) {
        return neighbour(tx, task, TaskSql.SCOPE_NEXT, a.position()).map(next -> {
          if (beforeId != null && (next == null || !next.id().equals(beforeId))) {
            throw Problem.conflict("Task " + afterId + " and task " + beforeId + " are not neighbours (any more); "
              + "reload the list and move again.");
          }
          return new Neighbour[]{a, next};
        });
      }
      return neighbour(tx, task, TaskSql.SCOPE_PREVIOUS, given.position()).map(previous -> new Neighbour[]{previous, given});
    }).compose(pair -> {
      Neighbour a = pair[0];
      Neighbour b = pair[1];
      UUID aId = a == null ? null : a.id();
      UUID bId = b == null ? null : b.id();
      if ((a == null || a.position() < task.position()) && (b == null || task.position() < b.position())) {
        return Future.succeededFuture(new Placement(null, aId, bId, respaced));
      }
      if (a == null) {
        return firstPosition(tx).map(p -> new Placement(p, null, bId, respaced));
      }
      if (b == null) {
        return Future.succeededFuture(new Placement(a.position() + GAP, aId, null, respaced));
      }
      if (b.position() - a.position() >= 2) {
        return Future.succeededFuture(new Placement(a.position() + (b.position() - a.position()) / 2, aId, bId,
          respaced));
      }
      throw new NoGap(task.projectId(), task.parentId());
    });
  }

  /** A neighbour named in a move: a task of the same scope, else a 400 (also for another user's task). */
  private Future<Neighbour> member(SqlConnection tx, Task task, UUID id, String field) {
    if (id == null) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(TaskSql.SCOPE_MEMBER).execute(Tuple.of(task.projectId(), task.parentId(), id)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw Problem.badRequest(field + " must be a task in the same list as task " + task.id()
          + (task.parentId() == null ? " (a top-level task of project " + task.projectId() + ")"
          : " (a subtask of " + task.parentId() + ")")
          + "; " + id + " is not.");
      }
      Row row = rows.iterator().next();
      return new Neighbour(row.getUUID("id"), row.getLong("position"));
    });
  }

  private Future<Neighbour> neighbour(SqlConnection tx, Task task, String sql, long position) {
    return tx.preparedQuery(sql).execute(Tuple.of(task.projectId(), task.parentId(), position, task.id()))
      .map(rows -> {
        if (rows.rowCount() == 0) {
          return null;
        }
        Row row = rows.iterator().next();
        return new Neighbour(row.getUUID("id"), row.getLong("position"));
      });
  }

  private static Future<Long> firstPosition(SqlConnection tx) {
    return tx.query(TaskSql.FIRST_POSITION).execute().map(rows -> rows.iterator().next().getLong("position"));
  }

  /**
   * Spreads a scope's positions GAP apart, in the same order, from its lowest position up. Its own transaction, and
   * the locks in the order every writer takes them: the scope's task rows (by id) first, then the scope lock; a move
   * holds its task and then the scope lock, so re-spacing inside a move would deadlock with the moves waiting for
   * that lock while holding their tasks.
   */
  private Future<Void> respace(UUID projectId, UUID parentId) {
    return Transactions.retrying(pool, tx -> tx.preparedQuery(TaskSql.SCOPE_ROWS_FOR_UPDATE)
      .execute(Tuple.of(projectId, parentId))
      .compose(locked -> tx.preparedQuery(TaskSql.SCOPE_LOCK).execute(Tuple.of(projectId)))
      .compose(v -> tx.preparedQuery(TaskSql.SCOPE_FIRST).execute(Tuple.of(projectId, parentId)))
      .compose(rows -> {
        Long lowest = rows.iterator().next().getLong("position");
        return tx.preparedQuery(TaskSql.RESPACE_ASIDE).execute(Tuple.of(projectId, parentId))
          .compose(v -> tx.preparedQuery(TaskSql.RESPACE_BACK).execute(Tuple.of(projectId, parentId, lowest)));
      })
      .onSuccess(v -> LOG.info("Re-spaced the manual order of project {}'s {}", projectId,
        parentId == null ? "top-level tasks" : "subtasks of " + parentId))
      .mapEmpty());
  }

  /**
   * The position of a task new to a scope: top-level tasks go first (newest on top, from the sequence, no lock);
   * subtasks go last among their siblings (a checklist grows downwards), chosen under the scope lock.
   */
  private static Future<Long> positionForNew(SqlConnection tx, UUID projectId, UUID parentId) {
    if (parentId == null) {
      return firstPosition(tx);
    }
    return lockParent(tx, projectId, parentId)
      .compose(parent -> tx.preparedQuery(TaskSql.SCOPE_LOCK).execute(Tuple.of(projectId)))
      .compose(v -> tx.preparedQuery(TaskSql.SCOPE_LAST).execute(Tuple.of(projectId, parentId)))
      .compose(rows -> {
        Long last = rows.iterator().next().getLong("position");
        return last == null ? firstPosition(tx) : Future.succeededFuture(last + GAP);
      });
  }

  /**
   * The parent of a new subtask, locked (so it cannot become a subtask meanwhile): one level only, and in the
   * subtask's project (whose membership the caller has shown).
   */
  private static Future<Task> lockParent(SqlConnection tx, UUID projectId, UUID parentId) {
    return tx.preparedQuery(TaskSql.PARENT_LOCK).execute(Tuple.of(parentId, projectId)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw Problem.notFound("No task " + parentId + " in project " + projectId + " (parentId; a subtask is in its "
          + "parent's project).");
      }
      Task parent = Task.from(rows.iterator().next());
      if (parent.parentId() != null) {
        throw Problem.unprocessable("Task " + parentId + " is itself a subtask (of " + parent.parentId()
          + "); subtasks are one level deep.");
      }
      return parent;
    });
  }

  /** A task that becomes a subtask: not of itself, not one with subtasks of its own, not a recurring one. */
  private static Future<Void> checkCanBeSubtask(SqlConnection tx, Task task, UUID parentId) {
    if (parentId == null) {
      return Future.succeededFuture();
    }
    if (parentId.equals(task.id())) {
      return Future.failedFuture(Problem.unprocessable("A task cannot be its own subtask."));
    }
    if (task.seriesId() != null) {
      return Future.failedFuture(Problem.unprocessable("Task " + task.id() + " repeats; a subtask cannot repeat. "
        + "Stop its recurrence first."));
    }
    return tx.preparedQuery(TaskSql.HAS_SUBTASKS).execute(Tuple.of(task.id(), task.userId())).map(rows -> {
      if (rows.rowCount() > 0) {
        throw Problem.conflict("Task " + task.id() + " has subtasks of its own; subtasks are one level deep. Move "
          + "or delete its subtasks first.");
      }
      return null;
    });
  }

  private static String likeEscape(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

}
