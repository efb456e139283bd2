package dev.taskflow.notifier.webhooks;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Queues an event for every webhook that asked for its type, of every user the event is for, in the consumer's
 * transaction, so an event is queued once however often it is delivered (one row per webhook and event). A webhook
 * that asked for {@code taskflow.task.created} also gets {@code taskflow.recurrence.spawned}: a recurring task's next
 * instance is a new task too.
 *
 * <p>Whom an event is for: a project's events are written under the project's account, but every member of a shared
 * project sees its tasks, so an event that names a project ({@code data.task.projectId} or {@code data.project.id})
 * is for every member of that project as it stands when the event is queued who was one when it was written (their
 * {@code added_seq}, the sequence of the event that added them, is not after the event's: a member added while the
 * queue lags gets nothing from before), and for the account (which is always one of them; named again so an event
 * queued after its project is gone still reaches it). {@code member.removed} is also
 * for the removed user ({@code data.member.userId}): it is about them, and they are no longer a member by then; after
 * it they get nothing of that project. {@code project.deleted} finds no members left (they go with the project): it is
 * for the account and for the users in {@code data.memberIds}, when the event lists the former members. A reminder
 * ({@code taskflow.reminder.*}) names its task's project too, but it is its setter's alone ({@code event.userId}), and
 * so is every event without a project. Each delivery is its webhook owner's ({@code user_id}): it counts against that
 * owner's caps and shows in that owner's delivery log.
 */
public final class WebhookQueue {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookQueue.class);
  private static final String REMINDER_TYPES = "taskflow.reminder.";

  /**
   * $1 the event's user, $7 its project (NULL: none), $8 further users it is for, $9 the event's sequence; the UNION
   * makes each user, and so each webhook, appear once.
   */
  private static final String ENQUEUE = """
    WITH recipients AS (
      SELECT $1::uuid AS user_id
      UNION SELECT m.user_id FROM project_members m WHERE m.project_id = $7::uuid AND m.added_seq <= $9
      UNION SELECT unnest($8::uuid[]))
    INSERT INTO webhook_deliveries (id, webhook_id, user_id, event_id, event_type, event)
    SELECT gen_random_uuid(), w.id, w.user_id, $2, $3, $4
      FROM recipients r JOIN webhooks w ON w.user_id = r.user_id
     WHERE w.events @> ARRAY[$3::text] OR ($3 = $5 AND w.events @> ARRAY[$6::text])
    ON CONFLICT (webhook_id, event_id) DO NOTHING
    """;

  public Future<Void> enqueue(SqlConnection tx, TaskflowEvent event) {
    UUID project = projectOf(event);
    return tx.preparedQuery(ENQUEUE)
      .execute(Tuple.from(new Object[]{event.userId(), event.id(), event.type(), event.toJson(),
        EventTypes.RECURRENCE_SPAWNED, EventTypes.TASK_CREATED, project, alsoFor(event, project), event.sequence()}))
      .mapEmpty();
  }

  /** The project whose members the event is for; null for a reminder and an event without a project. */
  static UUID projectOf(TaskflowEvent event) {
    if (event.type().startsWith(REMINDER_TYPES)) {
      return null;
    }
    JsonObject task = event.data().getValue("task") instanceof JsonObject t ? t : null;
    JsonObject project = event.data().getValue("project") instanceof JsonObject p ? p : null;
    String id = task != null && task.getValue("projectId") instanceof String s ? s
      : project != null && project.getValue("id") instanceof String s ? s : null;
    return uuid(event, "project", id);
  }

  /** Users the event is for beyond the account and the project's members: the removed member, the former members. */
  static UUID[] alsoFor(TaskflowEvent event, UUID project) {
    Set<UUID> users = new LinkedHashSet<>();
    if (project != null && EventTypes.PROJECT_MEMBER_REMOVED.equals(event.type())
      && event.data().getValue("member") instanceof JsonObject member
      && member.getValue("userId") instanceof String id) {
      add(users, uuid(event, "member", id));
    }
    if (project != null && EventTypes.PROJECT_DELETED.equals(event.type())
      && event.data().getValue("memberIds") instanceof JsonArray ids) {
      ids.forEach(id -> add(users, uuid(event, "former member", id instanceof String s ? s : null)));
    }
    return users.toArray(UUID[]::new);
  }

  private static void add(Set<UUID> users, UUID user) {
    if (user != null) {
      users.add(user);
    }
  }

  /**
   * A malformed id is logged and ignored, the event then going to fewer users, rather than failing the batch: the
   * consumer would retry it forever and queue nothing behind it.
   */
  private static UUID uuid(TaskflowEvent event, String what, String id) {
    if (id == null) {
      return null;
    }
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      LOG.warn("Event {} ({}) names a {} id that is no UUID, {}; ignored for its webhooks", event.id(), event.type(),
        what, id);
      return null;
    }
  }
}
