package dev.taskflow.notifier.push;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Queues a fired reminder for every push subscription (device) of its user, in the consumer's transaction: one row per
 * (subscription, reminder, firing), so a redelivered event, or the same firing seen twice, pushes at most once per
 * device. A snoozed reminder fires again with a new {@code firedAt}, which is a new push.
 */
public final class PushQueue {

  /** Titles longer than this are cut in the payload, which stays well under the 4 KB a push service accepts. */
  static final int MAX_TITLE = 200;

  private static final String ENQUEUE = """
    INSERT INTO push_deliveries (id, subscription_id, user_id, event_id, reminder_id, fired_at, payload)
    SELECT gen_random_uuid(), s.id, s.user_id, $2, $3, $4, $5
      FROM push_subscriptions s
     WHERE s.user_id = $1
    ON CONFLICT (subscription_id, reminder_id, fired_at) DO NOTHING
    """;

  public Future<Void> enqueue(SqlConnection tx, TaskflowEvent event) {
    if (!EventTypes.REMINDER_TRIGGERED.equals(event.type())) {
      return Future.succeededFuture();
    }
    JsonObject data = event.data();
    JsonObject reminder = data.getJsonObject("reminder", new JsonObject());
    JsonObject task = data.getJsonObject("task", new JsonObject());
    if (reminder.getString("id") == null || data.getString("firedAt") == null) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(ENQUEUE)
      .execute(Tuple.from(new Object[]{event.userId(), event.id(),
        UUID.fromString(reminder.getString("id")), OffsetDateTime.parse(data.getString("firedAt")),
        payload(event, data, reminder, task)}))
      .mapEmpty();
  }

  /** What the service worker gets: enough to show the notification and to act on the reminder. */
  static JsonObject payload(TaskflowEvent event, JsonObject data, JsonObject reminder, JsonObject task) {
    String title = task.getString("title", "");
    return new JsonObject()
      .put("type", EventTypes.REMINDER_TRIGGERED)
      .put("reminderId", reminder.getString("id"))
      .put("taskId", task.getString("id", event.subject()))
      .put("title", title.length() > MAX_TITLE ? title.substring(0, MAX_TITLE - 1) + "…" : title)
      .put("dueAt", task.getString("dueAt"))
      .put("fireAt", data.getString("fireAt"))
      .put("firedAt", data.getString("firedAt"));
  }
}
