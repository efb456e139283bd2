package dev.taskflow.audit;

import dev.taskflow.audit.log.EventLogRepository;
import dev.taskflow.audit.log.HistoryQuery;
import dev.taskflow.core.consumer.IdempotentConsumer;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.transport.EventSubscriber;
import dev.taskflow.core.transport.Transports;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit service: consumes {@code task-events} and {@code reminders} (consumer group {@code audit}) into
 * {@code event_log}, which the database keeps append-only, and answers history queries on {@code audit.history}.
 */
public final class AuditVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AuditVerticle.class);
  public static final String CONSUMER = "audit";

  private Pool pool;
  private EventSubscriber subscriber;
  private MessageConsumer<JsonObject> history;

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, DatabaseSettings.from(config()));
    EventLogRepository log = new EventLogRepository(pool);
    IdempotentConsumer recorder = new IdempotentConsumer(pool, CONSUMER,
      IdempotentConsumer.Effect.batched(log::append, log::appendAll));
    history = vertx.eventBus().consumer(Addresses.AUDIT_HISTORY, message -> answerHistory(log, message));
    return history.completion()
      .compose(v -> Transports.subscriber(vertx, config()))
      .compose(created -> {
        subscriber = created;
        return subscriber.subscribe(Topics.TASK_EVENTS, CONSUMER, recorder);
      })
      .compose(v -> subscriber.subscribe(Topics.REMINDERS, CONSUMER, recorder))
      .onSuccess(v -> LOG.info("Audit log consuming {} and {}", Topics.TASK_EVENTS, Topics.REMINDERS));
  }

  private void answerHistory(EventLogRepository log, Message<JsonObject> message) {
    HistoryQuery query;
    try {
      query = HistoryQuery.from(message.body());
    } catch (RuntimeException e) {
      message.fail(400, "Bad history query: " + e.getMessage());
      return;
    }
    log.history(query)
      .onSuccess(message::reply)
      .onFailure(e -> {
        LOG.error("History query for user {} failed", query.userId(), e);
        message.fail(500, "The history could not be read");
      });
  }

  @Override
  public Future<?> stop() {
    return Future.join(
        history != null ? history.unregister() : Future.succeededFuture(),
        subscriber != null ? subscriber.close() : Future.succeededFuture())
      .eventually(() -> pool.close());
  }
}
