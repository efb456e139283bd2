package dev.taskflow.notifier.delivery;

import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a fired reminder to its user's browsers, by publishing the CloudEvent (structured JSON) on
 * {@code notifications.user.<userId>}, where the SockJS bridge forwards it to every tab of that user, and writes one
 * log line for it in logfmt ({@code key=value}), so log tools can read its fields.
 */
final class Notifications {

  private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

  private final EventBus eventBus;

  Notifications(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  void deliver(TaskflowEvent event) {
    if (!EventTypes.REMINDER_TRIGGERED.equals(event.type())) {
      return;
    }
    eventBus.publish(Addresses.notificationsOf(event.userId()), event.toJson());
    JsonObject data = event.data();
    JsonObject reminder = data.getJsonObject("reminder", new JsonObject());
    LOG.info("reminder.delivered event={} reminder={} task={} user={} fireAt={} firedAt={} late={}", event.id(),
      reminder.getString("id"), event.subject(), event.userId(), data.getString("fireAt"), data.getString("firedAt"),
      data.getBoolean("late", false));
  }
}
