package dev.taskflow.notifier;

import dev.taskflow.notifier.delivery.DeliveryVerticle;
import dev.taskflow.notifier.firing.FiringVerticle;
import dev.taskflow.notifier.push.PushVerticle;
import dev.taskflow.notifier.webhooks.WebhookVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier service: due dates and reminders. Deploys its four concerns as verticles of their own, each on its
 * own event loop (they are undeployed with it):
 * <ul>
 *   <li>{@link PushVerticle} sends the queued Web Push deliveries to the users' devices;</li>
 *   <li>{@link FiringVerticle} fires reminders on time, writing {@code taskflow.reminder.triggered} to the outbox
 *   (topic {@code reminders});</li>
 *   <li>{@link DeliveryVerticle} consumes {@code reminders} (to {@code notifications.user.<userId>}, the log, the
 *   webhook queue and the push queue) and {@code task-events} (relative reminders of recurring instances, the webhook queue);</li>
 *   <li>{@link WebhookVerticle} sends the queued webhook deliveries, to public addresses only unless
 *   {@code webhooks.allow.private} is set.</li>
 * </ul>
 * Any number of notifiers may run against one database and one broker.
 */
public final class NotifierVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(NotifierVerticle.class);

  @Override
  public Future<?> start() {
    DeploymentOptions options = new DeploymentOptions().setConfig(config());
    return vertx.deployVerticle(new DeliveryVerticle(), options)
      .compose(id -> vertx.deployVerticle(new WebhookVerticle(), options))
      .compose(id -> vertx.deployVerticle(new PushVerticle(), options))
      .compose(id -> vertx.deployVerticle(new FiringVerticle(), options))
      .onSuccess(id -> LOG.info("Notifier started"));
  }
}
