package dev.taskflow.notifier.firing;

import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.outbox.OutboxWriter;
import dev.taskflow.core.runtime.DueTimer;
import dev.taskflow.notifier.NotifierSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;

/**
 * Fires reminders on time: a timer to the earliest pending {@code fire_at}, re-armed by NOTIFY on the channel
 * {@code reminders} (the table's trigger sends one whenever a reminder is scheduled or moved, from any process). Each
 * round claims and fires what is due in one transaction ({@link ReminderFiring}), writing
 * {@code taskflow.reminder.triggered} to the outbox; any number of instances may run on one database. Reminders that
 * came due while no notifier ran fire as soon as one starts, marked late.
 */
public final class FiringVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(FiringVerticle.class);
  public static final String CHANNEL = "reminders";

  private Pool pool;
  private DueTimer timer;

  @Override
  public Future<?> start() {
    DatabaseSettings db = DatabaseSettings.from(config());
    NotifierSettings settings = NotifierSettings.from(config());
    pool = Database.pool(vertx, new DatabaseSettings(db.url(), 4));
    String instance = ManagementFactory.getRuntimeMXBean().getName() + "/" + deploymentID();
    ReminderFiring firing = new ReminderFiring(pool, new OutboxWriter("notifier"), settings.batchSize(),
      settings.lateAfter(), instance);
    timer = new DueTimer(vertx, "reminder firing", firing::nextDueMillis, firing::fireDue);
    return timer.start(db.connectOptions(), CHANNEL, settings.safetyPoll())
      .onSuccess(v -> LOG.info("Reminder firing armed ({})", instance));
  }

  @Override
  public Future<?> stop() {
    return (timer != null ? timer.stop() : Future.succeededFuture()).eventually(() -> pool.close());
  }
}
