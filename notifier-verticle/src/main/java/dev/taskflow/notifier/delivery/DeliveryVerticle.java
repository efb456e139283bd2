package dev.taskflow.notifier.delivery;

import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.transport.EventSubscriber;
import dev.taskflow.core.transport.Transports;
import dev.taskflow.notifier.inheritance.ReminderInheritance;
import dev.taskflow.notifier.push.PushQueue;
import dev.taskflow.notifier.webhooks.WebhookQueue;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier's consumers (group {@code notifier}, exactly once in effect through {@code processed_events}):
 * <ul>
 *   <li>{@code reminders}: queues each fired reminder for its setter's webhooks and push subscriptions, then, once
 *   committed, publishes it on {@code notifications.user.<userId>} for the user's browsers and logs it;</li>
 *   <li>{@code task-events}: gives a recurring task's new instance the relative reminders of the one before, and
 *   queues the events that webhooks asked for, a project's for every member's ({@link WebhookQueue}).</li>
 * </ul>
 */
public final class DeliveryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryVerticle.class);
  public static final String CONSUMER = "notifier";

  private Pool pool;
  private EventSubscriber subscriber;

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, DatabaseSettings.from(config()));
    Notifications notifications = new Notifications(vertx.eventBus());
    WebhookQueue webhooks = new WebhookQueue();
    ReminderInheritance inheritance = new ReminderInheritance();
    PushQueue pushes = new PushQueue();
    CommittedConsumer reminders = new CommittedConsumer(pool, CONSUMER,
      (tx, event) -> webhooks.enqueue(tx, event).compose(v -> pushes.enqueue(tx, event)), notifications::deliver);
    CommittedConsumer taskEvents = new CommittedConsumer(pool, CONSUMER,
      (tx, event) -> inheritance.onEvent(tx, event).compose(v -> webhooks.enqueue(tx, event)), event -> { });
    return Transports.subscriber(vertx, config())
      .compose(created -> {
        subscriber = created;
        return subscriber.subscribe(Topics.REMINDERS, CONSUMER, reminders);
      })
      .compose(v -> subscriber.subscribe(Topics.TASK_EVENTS, CONSUMER, taskEvents))
      .onSuccess(v -> LOG.info("Notifier consuming {} and {}", Topics.REMINDERS, Topics.TASK_EVENTS));
  }

  @Override
  public Future<?> stop() {
    return (subscriber != null ? subscriber.close() : Future.succeededFuture()).eventually(() -> pool.close());
  }
}
