package dev.taskflow.notifier.webhooks;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Queues an event for every webhook of its user that asked for its type, in the consumer's transaction, so an event
 * is queued once however often it is delivered (one row per webhook and event). A webhook that asked for
 * {@code taskflow.task.created} also gets {@code taskflow.recurrence.spawned}: a recurring task's next instance is a
 * new task too.
 */
public final class WebhookQueue {

  private static final String ENQUEUE = """
    INSERT INTO webhook_deliveries (id, webhook_id, user_id, event_id, event_type, event)
    SELECT gen_random_uuid(), w.id, w.user_id, $2, $3, $4
      FROM webhooks w
     WHERE w.user_id = $1 AND (w.events @> ARRAY[$3::text] OR ($3 = $5 AND w.events @> ARRAY[$6::text]))
    ON CONFLICT (webhook_id, event_id) DO NOTHING
    """;

  public Future<Void> enqueue(SqlConnection tx, TaskflowEvent event) {
    return tx.preparedQuery(ENQUEUE)
      .execute(Tuple.from(new Object[]{event.userId(), event.id(), event.type(), event.toJson(),
        EventTypes.RECURRENCE_SPAWNED, EventTypes.TASK_CREATED}))
      .mapEmpty();
  }
}
