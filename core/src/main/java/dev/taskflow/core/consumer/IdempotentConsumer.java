package dev.taskflow.core.consumer;

import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.transport.EventHandler;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Makes a consumer's side effect exactly-once in effect: the effect and a {@code processed_events} row for
 * (consumer, event id) commit in one transaction, and an event already recorded is acknowledged without running the
 * effect again. The transport commits the offset (or answers the delivery) only after this future succeeds, so a crash
 * in between means a redelivery, which lands here as a no-op.
 */
public final class IdempotentConsumer implements EventHandler {

  /** The side effect, run inside the transaction that records the event. */
  @FunctionalInterface
  public interface Effect {
    Future<Void> apply(SqlConnection tx, TaskflowEvent event);
  }

  private static final String RECORD = """
    INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING
    """;

  private final Pool pool;
  private final String consumer;
  private final Effect effect;

  public IdempotentConsumer(Pool pool, String consumer, Effect effect) {
    this.pool = pool;
    this.consumer = consumer;
    this.effect = effect;
  }

  @Override
  public Future<Void> handle(TaskflowEvent event) {
    return pool.withTransaction(tx -> tx.preparedQuery(RECORD).execute(Tuple.of(consumer, event.id()))
      .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture() : effect.apply(tx, event)));
  }
}
