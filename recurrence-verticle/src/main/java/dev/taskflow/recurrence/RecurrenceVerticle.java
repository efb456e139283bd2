package dev.taskflow.recurrence;

import dev.taskflow.core.consumer.IdempotentConsumer;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.outbox.OutboxWriter;
import dev.taskflow.core.transport.EventSubscriber;
import dev.taskflow.core.transport.Transports;
import dev.taskflow.recurrence.series.Scheduler;
import dev.taskflow.recurrence.series.SeriesRepository;
import dev.taskflow.recurrence.series.SeriesService;
import dev.taskflow.recurrence.series.Spawner;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recurrence service, owner of the {@code series} table: answers {@code recurrence.preview} and
 * {@code recurrence.series} on the event bus, spawns the next instance when the newest one is completed and ends a
 * series whose newest instance is deleted (consumer group {@code recurrence} on {@code task-events}), and spawns
 * on-schedule instances at their time.
 */
public final class RecurrenceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RecurrenceVerticle.class);
  public static final String CONSUMER = "recurrence";

  private Pool pool;
  private EventSubscriber subscriber;
  private PgSubscriber notifications;
  private Scheduler scheduler;
  private MessageConsumer<JsonObject> preview;
  private MessageConsumer<JsonObject> series;

  @Override
  public Future<?> start() {
    DatabaseSettings db = DatabaseSettings.from(config());
    pool = Database.pool(vertx, db);
    OutboxWriter outbox = new OutboxWriter(CONSUMER);
    Spawner spawner = new Spawner(outbox);
    SeriesService service = new SeriesService(vertx, new SeriesRepository(pool, outbox));
    scheduler = new Scheduler(vertx, pool, spawner);
    preview = vertx.eventBus().consumer(Addresses.RECURRENCE_PREVIEW, service::preview);
    series = vertx.eventBus().consumer(Addresses.RECURRENCE_SERIES, service::series);
    notifications = PgSubscriber.subscriber(vertx, db.connectOptions()).reconnectPolicy(retries -> 1_000L);
    notifications.channel("series").handler(payload -> scheduler.wake()).subscribeHandler(v -> scheduler.wake());
    return Future.all(preview.completion(), series.completion())
      .compose(v -> notifications.connect())
      .compose(v -> Transports.subscriber(vertx, config()))
      .compose(created -> {
        subscriber = created;
        return subscriber.subscribe(Topics.TASK_EVENTS, CONSUMER,
          new IdempotentConsumer(pool, CONSUMER, Spawner::concernsAnInstance, spawner::onTaskEvent));
      })
      .onSuccess(v -> LOG.info("Recurrence service ready: spawning on completion ({}) and on schedule",
        Topics.TASK_EVENTS));
  }

  @Override
  public Future<?> stop() {
    if (scheduler != null) {
      scheduler.stop();
    }
    return Future.join(
        preview != null ? preview.unregister() : Future.succeededFuture(),
        series != null ? series.unregister() : Future.succeededFuture(),
        notifications != null ? notifications.close() : Future.succeededFuture(),
        subscriber != null ? subscriber.close() : Future.succeededFuture())
      .eventually(() -> pool.close());
  }
}
