package dev.taskflow.core.consumer;

import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.transport.BatchEventHandler;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Makes a consumer's side effect exactly-once in effect: the effect and a {@code processed_events} row for
 * (consumer, event id) commit in one transaction, and an event already recorded is acknowledged without running the
 * effect again. The transport commits the offset (or answers the delivery) only after this future succeeds, so a crash
 * in between means a redelivery, which lands here as a no-op.
 *
 * <p>A batch of a partition's consecutive events runs in one transaction: one commit (one WAL flush) for the lot
 * instead of one per event, which is what lets a consumer keep up with the writers. Each user's events keep their
 * order; the users are taken in UUID order (see {@link #handleBatch}). The batch's {@code processed_events} rows go in
 * one round trip, and so do the effects when the effect takes a batch ({@link Effect#applyAll}): a statement at a time
 * made a batch of 100 events 200 round trips inside the transaction, each a wake-up of both ends.
 */
public final class IdempotentConsumer implements BatchEventHandler {

  /** The side effect, run inside the transaction that records the event. */
  @FunctionalInterface
  public interface Effect {
    Future<Void> apply(SqlConnection tx, TaskflowEvent event);

    /** The effect of several new events, in order: one by one, unless the effect can do them at once. */
    default Future<Void> applyAll(SqlConnection tx, List<TaskflowEvent> events) {
      Future<Void> chain = Future.succeededFuture();
      for (TaskflowEvent event : events) {
        chain = chain.compose(v -> apply(tx, event));
      }
      return chain;
    }

    /** An effect that does one event with {@code one} and a batch's with {@code all} (e.g. one batched statement). */
    static Effect batched(Effect one, BiFunction<SqlConnection, List<TaskflowEvent>, Future<Void>> all) {
      return new Effect() {
        @Override
        public Future<Void> apply(SqlConnection tx, TaskflowEvent event) {
          return one.apply(tx, event);
        }

        @Override
        public Future<Void> applyAll(SqlConnection tx, List<TaskflowEvent> events) {
          return all.apply(tx, events);
        }
      };
    }
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
    List<Tuple> records = wanted.stream().map(event -> Tuple.of(consumer, event.id())).toList();
    return pool.withTransaction(tx -> tx.preparedQuery(RECORD).executeBatch(records).compose(results -> {
      // one result per event, in order: a row inserted means the event is new (a repeat, even within the batch, is not)
      List<TaskflowEvent> fresh = new ArrayList<>(wanted.size());
      RowSet<Row> result = results;
      for (TaskflowEvent event : wanted) {
        if (result.rowCount() == 1) {
          fresh.add(event);
        }
        result = result.next();
      }
      return fresh.isEmpty() ? Future.succeededFuture() : effect.applyAll(tx, fresh);
    }));
  }

  private Future<Void> apply(SqlConnection tx, TaskflowEvent event) {
    return tx.preparedQuery(RECORD).execute(Tuple.of(consumer, event.id()))
      .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture() : effect.apply(tx, event));
  }
}
