package dev.taskflow.core.consumer;

import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.transport.BatchEventHandler;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Makes a consumer's side effect exactly-once in effect: the effect and a {@code processed_events} row for
 * (consumer, event id) commit in one transaction, and an event already recorded is acknowledged without running the
 * effect again. The transport commits the offset (or answers the delivery) only after this future succeeds, so a crash
 * in between means a redelivery, which lands here as a no-op.
 *
 * <p>A batch of a partition's consecutive events runs in one transaction: one commit (one WAL flush) for the lot
 * instead of one per event, which is what lets a consumer keep up with the writers. Each user's events keep their
 * order; the users are taken in UUID order (see {@link #handleBatch}).
 */
public final class IdempotentConsumer implements BatchEventHandler {

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
  private final Predicate<TaskflowEvent> relevant;
  private final Effect effect;

  public IdempotentConsumer(Pool pool, String consumer, Effect effect) {
    this(pool, consumer, event -> true, effect);
  }

  /** @param relevant the events this consumer acts on; the others are acknowledged without touching the database */
  public IdempotentConsumer(Pool pool, String consumer, Predicate<TaskflowEvent> relevant, Effect effect) {
    this.pool = pool;
    this.consumer = consumer;
    this.relevant = relevant;
    this.effect = effect;
  }

  @Override
  public Future<Void> handle(TaskflowEvent event) {
    return relevant.test(event) ? pool.withTransaction(tx -> apply(tx, event)) : Future.succeededFuture();
  }

  @Override
  public Future<Void> handleBatch(List<TaskflowEvent> events) {
    // one user's events keep their order; users go in UUID order, the order every transaction that writes for
    // several users takes their rows in (the notifier's firing too), so two such transactions never deadlock
    List<TaskflowEvent> wanted = events.stream().filter(relevant)
      .sorted(Comparator.comparing(TaskflowEvent::userId)).toList();
    if (wanted.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.withTransaction(tx -> {
      Future<Void> chain = Future.succeededFuture();
      for (TaskflowEvent event : wanted) {
        chain = chain.compose(v -> apply(tx, event));
      }
      return chain;
    });
  }

  private Future<Void> apply(SqlConnection tx, TaskflowEvent event) {
    return tx.preparedQuery(RECORD).execute(Tuple.of(consumer, event.id()))
      .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture() : effect.apply(tx, event));
  }
}
