package dev.taskflow.api.projects;

import dev.taskflow.api.http.Problem;
import dev.taskflow.api.tasks.ETags;
import dev.taskflow.api.tasks.TaskAccess;
import dev.taskflow.core.db.Transactions;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.outbox.OutboxWriter;
import dev.taskflow.core.tasks.Task;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Projects and their members. Any member reads a project and its member list; its owners rename it, delete it and
 * manage its members; a member may leave. The project's account (whose rows its tasks are) is always an owner of it:
 * it can be neither removed nor demoted, and its Inbox is neither renamed, shared nor deleted.
 *
 * <p>Every change and its event commit together, under the project's account (whoever of its owners acted:
 * {@code data.actorId}), as a task's do. A change that leaves someone without the project answers who
 * ({@link Revoked}), so that the caller tells the live bridges after the commit ({@code projects.access.revoked}).
 */
public final class ProjectRepository {

  /** The most projects one account may have, its Inbox included. */
  public static final int MAX_PER_ACCOUNT = 100;
  /** The most members one project may have, its account included. */
  public static final int MAX_MEMBERS = 50;
  /** The most projects a list answers (an account's own and those shared with it). */
  static final int MAX_LISTED = 500;

  /** Who lost project {@code projectId} with a change, for the live bridges. */
  public record Revoked(UUID projectId, List<UUID> userIds) {

    public JsonObject toJson() {
      return new JsonObject().put("projectId", projectId.toString())
        .put("userIds", new JsonArray(userIds.stream().map(UUID::toString).toList()));
    }
  }

  private final Pool pool;
  private final OutboxWriter outbox;

  public ProjectRepository(Pool pool, OutboxWriter outbox) {
    this.pool = pool;
    this.outbox = outbox;
  }

  public Future<List<Project>> list(UUID userId) {
    return pool.preparedQuery(ProjectSql.LIST).execute(Tuple.of(userId, MAX_LISTED)).map(rows -> {
      List<Project> projects = new ArrayList<>();
      rows.forEach(row -> projects.add(Project.from(row)));
      return projects;
    });
  }

  public Future<Project> find(UUID userId, UUID id) {
    return pool.preparedQuery(ProjectSql.BY_ID).execute(Tuple.of(id, userId)).map(rows -> member(rows, id));
  }

  public Future<Project> create(UUID userId, String name, String correlationId) {
    UUID id = UUID.randomUUID();
    return Transactions.retrying(pool, tx -> tx.preparedQuery(ProjectSql.LOCK_ACCOUNT).execute(Tuple.of(userId))
      .compose(locked -> {
        if (locked.size() == 0) {
          throw Problem.unauthorized("The token's account no longer exists.");
        }
        return tx.preparedQuery(ProjectSql.COUNT_OWNED).execute(Tuple.of(userId));
      })
      .compose(count -> {
        if (count.iterator().next().getLong(0) >= MAX_PER_ACCOUNT) {
          throw Problem.conflict("You have " + MAX_PER_ACCOUNT + " projects, the most allowed; delete one first.");
        }
        return tx.preparedQuery(ProjectSql.INSERT).execute(Tuple.of(id, userId, name));
      })
      .compose(v -> tx.preparedQuery(ProjectSql.INSERT_MEMBER).execute(Tuple.of(id, userId, TaskAccess.OWNER)))
      .compose(v -> tx.preparedQuery(ProjectSql.BY_ID).execute(Tuple.of(id, userId)))
      .map(rows -> Project.from(rows.iterator().next()))
      .compose(project -> emit(tx, project, userId, EventTypes.PROJECT_CREATED, correlationId, null)));
  }

  /** Renames a project (owners only; not the Inbox); the same name again changes nothing. */
  public Future<Project> rename(UUID userId, UUID id, String name, String ifMatch, String correlationId) {
    return Transactions.retrying(pool, tx -> tx.preparedQuery(ProjectSql.BY_ID_FOR_CHANGE).execute(Tuple.of(id, userId))
      .compose(rows -> {
        Project project = owned(member(rows, id), "rename");
        checkVersion(project, ifMatch);
        if (project.inbox()) {
          throw Problem.conflict("The Inbox cannot be renamed.");
        }
        if (project.name().equals(name)) {
          return Future.succeededFuture(project);
        }
        return tx.preparedQuery(ProjectSql.RENAME).execute(Tuple.of(id, name))
          .compose(v -> tx.preparedQuery(ProjectSql.BY_ID).execute(Tuple.of(id, userId)))
          .map(changed -> Project.from(changed.iterator().next()))
          .compose(changed -> emit(tx, changed, userId, EventTypes.PROJECT_UPDATED, correlationId, null));
      }));
  }

  /**
   * Deletes an empty project (owners only; not the Inbox). Its event names the members it had
   * ({@code data.memberIds}), who are gone with it.
   */
  public Future<Revoked> delete(UUID userId, UUID id, String ifMatch, String correlationId) {
    return Transactions.retrying(pool, tx -> tx.preparedQuery(ProjectSql.BY_ID_FOR_DELETE).execute(Tuple.of(id, userId))
      .compose(rows -> {
        Project project = owned(member(rows, id), "delete");
        checkVersion(project, ifMatch);
        if (project.inbox()) {
          throw Problem.conflict("The Inbox cannot be deleted.");
        }
        return tx.preparedQuery(ProjectSql.COUNT_TASKS).execute(Tuple.of(id)).compose(count -> {
          long tasks = count.iterator().next().getLong(0);
          if (tasks > 0) {
            throw Problem.conflict("Project " + id + " still has " + tasks + (tasks == 1 ? " task" : " tasks")
              + "; move or delete " + (tasks == 1 ? "it" : "them") + " first.");
          }
          return tx.preparedQuery(ProjectSql.MEMBER_IDS).execute(Tuple.of(id));
        }).compose(members -> {
          List<UUID> ids = new ArrayList<>();
          members.forEach(row -> ids.add(row.getUUID("user_id")));
          JsonObject extra = new JsonObject().put("memberIds", new JsonArray(ids.stream().map(UUID::toString)
            .toList()));
          return tx.preparedQuery(ProjectSql.DELETE).execute(Tuple.of(id))
            .compose(v -> emit(tx, project, userId, EventTypes.PROJECT_DELETED, correlationId, extra))
            .map(v -> new Revoked(id, ids.stream().filter(member -> !project.ownedBy(member)).toList()));
        });
      }));
  }

  public Future<List<JsonObject>> members(UUID userId, UUID id) {
    return find(userId, id).compose(project -> pool.preparedQuery(ProjectSql.MEMBERS).execute(Tuple.of(id)))
      .map(rows -> {
        List<JsonObject> members = new ArrayList<>();
        rows.forEach(row -> members.add(memberJson(row)));
        return members;
      });
  }

  /**
   * Adds the account with this e-mail as a member (owners only; not to the Inbox). The members are counted once the
   * project is locked, so two additions at once cannot pass the limit together.
   */
  public Future<JsonObject> addMember(UUID userId, UUID id, String email, String role, String correlationId) {
    return Transactions.retrying(pool, tx -> tx.preparedQuery(ProjectSql.BY_ID_FOR_CHANGE)
      .execute(Tuple.of(id, userId))
      .compose(rows -> {
        Project project = owned(member(rows, id), "share");
        if (project.inbox()) {
          throw Problem.conflict("The Inbox cannot be shared; share another project.");
        }
        return tx.preparedQuery(ProjectSql.COUNT_MEMBERS).execute(Tuple.of(id))
          .compose(count -> {
            if (count.iterator().next().getLong(0) >= MAX_MEMBERS) {
              throw Problem.conflict("Project " + id + " has " + MAX_MEMBERS + " members, the most allowed.");
            }
            return tx.preparedQuery(ProjectSql.USER_BY_EMAIL).execute(Tuple.of(email));
          })
          .compose(users -> {
            if (users.size() == 0) {
              throw Problem.notFound("No account with e-mail " + email + ".");
            }
            UUID memberId = users.iterator().next().getUUID("id");
            return tx.preparedQuery(ProjectSql.MEMBER).execute(Tuple.of(id, memberId)).compose(existing -> {
              if (existing.size() > 0) {
                throw Problem.conflict(email + " is a member of project " + id + " already (as "
                  + existing.iterator().next().getString("role") + "); change the role instead.");
              }
              return tx.preparedQuery(ProjectSql.INSERT_MEMBER).execute(Tuple.of(id, memberId, role));
            })
              .compose(v -> memberEvent(tx, project, userId, EventTypes.PROJECT_MEMBER_ADDED, memberId, role,
                correlationId))
              .compose(event -> tx.preparedQuery(ProjectSql.SET_ADDED_SEQ)
                .execute(Tuple.of(id, memberId, event.sequence())))
              .compose(v -> tx.preparedQuery(ProjectSql.MEMBER).execute(Tuple.of(id, memberId)))
              .map(added -> memberJson(added.iterator().next()));
          });
      }));
  }

  /** Changes a member's role (owners only); the project's account stays an owner. */
  public Future<JsonObject> setRole(UUID userId, UUID id, UUID memberId, String role, String correlationId) {
    return Transactions.retrying(pool, tx -> tx.preparedQuery(ProjectSql.BY_ID_FOR_CHANGE).execute(Tuple.of(id, userId))
      .compose(rows -> {
        Project project = owned(member(rows, id), "change the roles in");
        return tx.preparedQuery(ProjectSql.MEMBER).execute(Tuple.of(id, memberId)).compose(found -> {
          if (found.size() == 0) {
            throw noMember(id, memberId);
          }
          String was = found.iterator().next().getString("role");
          if (was.equals(role)) {
            return Future.succeededFuture(memberJson(found.iterator().next()));
          }
          if (project.ownedBy(memberId)) {
            throw Problem.conflict("The project's account stays its owner; its role cannot change.");
          }
          return tx.preparedQuery(ProjectSql.SET_ROLE).execute(Tuple.of(id, memberId, role))
            .compose(v -> emitMember(tx, project, userId, EventTypes.PROJECT_MEMBER_UPDATED, memberId, role,
              correlationId))
            .compose(v -> tx.preparedQuery(ProjectSql.MEMBER).execute(Tuple.of(id, memberId)))
            .map(changed -> memberJson(changed.iterator().next()));
        });
      }));
  }

  /**
   * Removes a member (an owner does, or the member leaves), with that member's reminders on the project's tasks. The
   * reminders go first: a task's writer holds them before it takes the project (see {@link ProjectSql}).
   */
  public Future<Revoked> removeMember(UUID userId, UUID id, UUID memberId, String correlationId) {
    return Transactions.retrying(pool, tx -> tx.preparedQuery(ProjectSql.DELETE_MEMBER_REMINDERS)
      .execute(Tuple.of(id, memberId))
      .compose(v -> tx.preparedQuery(ProjectSql.BY_ID_FOR_CHANGE).execute(Tuple.of(id, userId)))
      .compose(rows -> {
        Project project = member(rows, id);
        if (!memberId.equals(userId)) {
          owned(project, "remove members of");
        }
        return tx.preparedQuery(ProjectSql.MEMBER).execute(Tuple.of(id, memberId)).compose(found -> {
          if (found.size() == 0) {
            throw noMember(id, memberId);
          }
          if (project.ownedBy(memberId)) {
            throw Problem.conflict("The project's account cannot leave it; delete the project instead.");
          }
          String role = found.iterator().next().getString("role");
          return tx.preparedQuery(ProjectSql.REMOVE_MEMBER).execute(Tuple.of(id, memberId))
            .compose(v -> emitMember(tx, project, userId, EventTypes.PROJECT_MEMBER_REMOVED, memberId, role,
              correlationId))
            .map(v -> new Revoked(id, List.of(memberId)));
        });
      }));
  }

  /**
   * Before an account is deleted (in its transaction, after its outbox was emptied): its projects shared with others
   * are deleted with it, each with a {@code taskflow.project.deleted} under the account, and it leaves the projects
   * of other accounts, each with a {@code taskflow.project.member.removed} under that project's account.
   *
   * @return who lost which project, for the live bridges once the deletion has committed
   */
  public static Future<List<Revoked>> beforeAccountDeletion(SqlConnection tx, OutboxWriter outbox, UUID accountId) {
    List<Revoked> revoked = new ArrayList<>();
    return tx.preparedQuery(ProjectSql.SHARED_OF_ACCOUNT).execute(Tuple.of(accountId))
      .compose(shared -> {
        Future<Void> chain = Future.succeededFuture();
        for (Row row : shared) {
          List<UUID> others = Arrays.asList(row.getArrayOfUUIDs("members"));
          List<UUID> all = new ArrayList<>(others);
          all.add(0, accountId);
          JsonObject data = new JsonObject().put("project", Project.eventJson(row))
            .put("memberIds", new JsonArray(all.stream().map(UUID::toString).toList()))
            .put("actorId", accountId.toString()).put("reason", "account deleted");
          revoked.add(new Revoked(row.getUUID("id"), others));
          chain = chain.compose(v -> outbox.append(tx, accountId, EventTypes.PROJECT_DELETED,
            row.getUUID("id").toString(), null, data).mapEmpty());
        }
        return chain;
      })
      .compose(v -> tx.preparedQuery(ProjectSql.LOCK_ACCOUNTS_ELSEWHERE).execute(Tuple.of(accountId)))
      .compose(v -> tx.preparedQuery(ProjectSql.MEMBERSHIPS_ELSEWHERE).execute(Tuple.of(accountId)))
      .compose(memberships -> {
        Future<Void> chain = Future.succeededFuture();
        for (Row row : memberships) {
          JsonObject data = new JsonObject().put("project", Project.eventJson(row))
            .put("member", new JsonObject().put("userId", accountId.toString()).put("role", row.getString("role")))
            .put("actorId", accountId.toString()).put("reason", "account deleted");
          chain = chain.compose(v -> outbox.append(tx, row.getUUID("user_id"), EventTypes.PROJECT_MEMBER_REMOVED,
            row.getUUID("id").toString(), null, data).mapEmpty());
        }
        return chain;
      })
      .map(v -> revoked);
  }

  private Future<Project> emit(SqlConnection tx, Project project, UUID actor, String type, String correlationId,
                               JsonObject extra) {
    return event(tx, project, actor, type, correlationId, extra).map(project);
  }

  private Future<TaskflowEvent> event(SqlConnection tx, Project project, UUID actor, String type,
                                      String correlationId, JsonObject extra) {
    JsonObject data = new JsonObject().put("project", project.eventJson()).put("actorId", actor.toString());
    if (extra != null) {
      data.mergeIn(extra);
    }
    return outbox.append(tx, project.accountId(), type, project.id().toString(), correlationId, data);
  }

  private Future<Project> emitMember(SqlConnection tx, Project project, UUID actor, String type, UUID memberId,
                                     String role, String correlationId) {
    return memberEvent(tx, project, actor, type, memberId, role, correlationId).map(project);
  }

  private Future<TaskflowEvent> memberEvent(SqlConnection tx, Project project, UUID actor, String type, UUID memberId,
                                            String role, String correlationId) {
    return event(tx, project, actor, type, correlationId,
      new JsonObject().put("member", new JsonObject().put("userId", memberId.toString()).put("role", role)));
  }

  /** The project of a row read through the caller's membership; a 404 when there is none. */
  private static Project member(RowSet<Row> rows, UUID id) {
    if (rows.size() == 0) {
      throw Problem.notFound("No project " + id + ".");
    }
    return Project.from(rows.iterator().next());
  }

  /** The project, if the caller is one of its owners; a 403 for its other members. */
  private static Project owned(Project project, String what) {
    if (!TaskAccess.OWNER.equals(project.role())) {
      throw Problem.forbidden("Only the owners of project " + project.id() + " can " + what + " it (you are a "
        + project.role() + " of it).");
    }
    return project;
  }

  private static void checkVersion(Project project, String ifMatch) {
    if (ifMatch != null && !ETags.matches(ifMatch, project.version())) {
      throw Problem.preconditionFailed("Project " + project.id() + " is at version " + project.version()
        + ", not the one in If-Match; read it again.");
    }
  }

  private static Problem noMember(UUID id, UUID memberId) {
    return Problem.notFound("No member " + memberId + " in project " + id + ".");
  }

  private static JsonObject memberJson(Row row) {
    return new JsonObject()
      .put("userId", row.getUUID("user_id").toString())
      .put("email", row.getString("email"))
      .put("displayName", row.getString("display_name"))
      .put("role", row.getString("role"))
      .put("addedAt", Task.instant(row.getOffsetDateTime("added_at")));
  }
}
