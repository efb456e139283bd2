package dev.taskflow.recurrence;

import dev.taskflow.core.consumer.IdempotentConsumer;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.outbox.OutboxWriter;
import dev.taskflow.core.runtime.DueTimer;
import dev.taskflow.core.transport.EventSubscriber;
import dev.taskflow.core.transport.Transports;
import dev.taskflow.recurrence.series.RuleEvaluator;
import dev.taskflow.recurrence.series.SeriesRepository;
import dev.taskflow.recurrence.series.SeriesRules;
import dev.taskflow.recurrence.series.SeriesService;
import dev.taskflow.recurrence.series.Spawner;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recurrence service, owner of the {@code series} table: answers {@code recurrence.preview} and
 * {@code recurrence.series} on the event bus, spawns the next instance when the newest one is completed, retracts it
 * (while untouched) when that one is reopened, and ends a series whose newest instance is deleted (consumer group
 * {@code recurrence} on {@code task-events}), and spawns
 * on-schedule instances at their time: a {@link DueTimer} to the earliest {@code next_occurrence_at}, re-armed by NOTIFY
 * on {@code series} from any process, claiming due series with {@code FOR UPDATE SKIP LOCKED}
 * ({@link Spawner#spawnDue}), so several recurrence verticles never spawn one occurrence twice. Rules are evaluated
 * on the shared {@code recurrence-rules} worker pool ({@link RuleEvaluator}), never on this verticle's event loop,
 * within the limits of {@link RecurrenceSettings}.
 */
public final class RecurrenceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RecurrenceVerticle.class);
  public static final String CONSUMER = "recurrence";
  /** NOTIFY on this channel when a series changes (a trigger on {@code series}). */
  private static final String CHANNEL = "series";
  /** The safety net under LISTEN/NOTIFY: the schedule is read again this often without a notification. */
  private static final Duration SAFETY_POLL = Duration.ofMinutes(5);

  private Pool pool;
  private EventSubscriber subscriber;
  private DueTimer schedule;
  private MessageConsumer<JsonObject> preview;
  private MessageConsumer<JsonObject> series;
  private RuleEvaluator evaluator;

  @Override
  public Future<?> start() {
    DatabaseSettings db = DatabaseSettings.from(config());
    RecurrenceSettings settings = RecurrenceSettings.from(config());
    pool = Database.pool(vertx, db);
    OutboxWriter outbox = new OutboxWriter(CONSUMER);
    evaluator = new RuleEvaluator(vertx, settings.workers(), settings.queueLimit(),
      settings.limits().timeout().toMillis() * 4);
    SeriesRules rules = new SeriesRules(settings.limits(), settings.minInterval());
    Spawner spawner = new Spawner(outbox, rules, evaluator);
    SeriesService service = new SeriesService(
      new SeriesRepository(pool, outbox, rules, evaluator, settings.maxSeriesPerUser()), evaluator, settings.limits());
    schedule = new DueTimer(vertx, "recurrence schedule", () -> spawner.nextDueMillis(pool),
      () -> spawner.spawnDue(pool));
    preview = vertx.eventBus().consumer(Addresses.RECURRENCE_PREVIEW, service::preview);
    series = vertx.eventBus().consumer(Addresses.RECURRENCE_SERIES, service::series);
    return Future.all(preview.completion(), series.completion())
      .compose(v -> schedule.start(db.connectOptions(), CHANNEL, SAFETY_POLL))
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
    return Future.join(
        schedule != null ? schedule.stop() : Future.succeededFuture(),
        preview != null ? preview.unregister() : Future.succeededFuture(),
        series != null ? series.unregister() : Future.succeededFuture(),
        subscriber != null ? subscriber.close() : Future.succeededFuture())
      .eventually(() -> evaluator != null ? evaluator.close() : Future.succeededFuture())
      .eventually(() -> pool.close());
  }
}
