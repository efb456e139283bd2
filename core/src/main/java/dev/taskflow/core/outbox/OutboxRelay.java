package dev.taskflow.core.outbox;

import dev.taskflow.core.runtime.Rounds;
import dev.taskflow.core.transport.EventPublisher;
import dev.taskflow.core.transport.OutboxRecord;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drains the outbox into a publisher: reads unpublished rows in outbox order, publishes them, waits for the broker's
 * acknowledgement, then marks them published. Runs on one event loop; {@link #wake()} is cheap and may be called as
 * often as notifications arrive — rounds never overlap, and a wake-up during a round causes one more round.
 *
 * <p>Why outbox order is commit order per user: a writer takes the user's {@code event_seq} row lock before it inserts
 * its outbox row and holds it to commit, so a user's rows get increasing positions in the order their transactions
 * commit, and a row can only be visible once every lower-sequence row of that user is. Rows are marked one by one (no
 * high-water mark), so a long transaction's row is never skipped: it is published when it commits, after the rows that
 * committed before it. (A filter on {@code txid < xmin}, as first designed, would hold back every user behind one slow
 * transaction and could even reorder one user's rows whose transaction ids were assigned out of lock order; the txid is
 * still stored, for diagnosis.)
 */
public final class OutboxRelay {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

  private static final String UNPUBLISHED = """
    SELECT position, topic, event_key, event FROM outbox
     WHERE published_at IS NULL
     ORDER BY position
     LIMIT $1
    """;

  private static final String MARK_PUBLISHED = """
    UPDATE outbox SET published_at = now() WHERE position = ANY($1)
    """;

  private static final String PRUNE = """
    DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)
    """;

  /** Rows waiting, and how long ago (by the database's clock) the oldest of them was written, in ms (null: none). */
  private static final String LAG = """
    SELECT count(*), (extract(epoch FROM clock_timestamp() - min(created_at)) * 1000)::bigint
      FROM outbox WHERE published_at IS NULL
    """;
  /** The lag gauges are read again after a round at most this often (and on a timer while no round runs). */
  static final long LAG_REFRESH_MS = 1_000;

  private final Vertx vertx;
  private final Pool pool;
  private final EventPublisher publisher;
  private final RelaySettings settings;
  private final AtomicLong unpublishedRows = new AtomicLong();
  /** When (System.nanoTime) the oldest unpublished row was written, or {@link Long#MIN_VALUE} when none waits. */
  private final AtomicLong oldestUnpublishedNanos = new AtomicLong(Long.MIN_VALUE);
  private long lagReadAt = System.nanoTime() - LAG_REFRESH_MS * 1_000_000;
  private boolean lagReading;
  private final AtomicLong publishedTotal = new AtomicLong();

  private final Rounds<Void> rounds = new Rounds<>(this::drain, this::settled);
  private long backoffMillis;
  private boolean active;

  public OutboxRelay(Vertx vertx, Pool pool, EventPublisher publisher, RelaySettings settings) {
    this.vertx = vertx;
    this.pool = pool;
    this.publisher = publisher;
    this.settings = settings;
  }

  /**
   * Registers the lag gauges: rows waiting and the age of the oldest, in seconds. They follow the relay's work: read
   * again after its rounds (at most every {@link #LAG_REFRESH_MS}), set to zero when a round drains the outbox, and
   * while the database cannot be read the age keeps growing from the oldest row last seen (an outage holds every row
   * back; a gauge that read 0 then, or a minute-old value after, would hide it).
   */
  public void bindMetrics(MeterRegistry registry) {
    Gauge.builder("taskflow_outbox_unpublished_rows", unpublishedRows, AtomicLong::get)
      .description("Outbox rows not yet acknowledged by the broker").register(registry);
    Gauge.builder("taskflow_outbox_lag_seconds", this, OutboxRelay::lagSeconds)
      .description("Age of the oldest unpublished outbox row").register(registry);
    FunctionCounter.builder("taskflow_outbox_published", publishedTotal, AtomicLong::get)
      .description("Rows this relay has published").register(registry);
  }

  public long publishedTotal() {
    return publishedTotal.get();
  }

  /** Rows waiting, as last counted. */
  public long unpublishedRows() {
    return unpublishedRows.get();
  }

  /** The age of the oldest unpublished row, now. */
  public double lagSeconds() {
    long oldest = oldestUnpublishedNanos.get();
    return oldest == Long.MIN_VALUE ? 0 : Math.max(0, System.nanoTime() - oldest) / 1e9;
  }

  /** Asks for a drain round now (or right after the current one). */
  public void wake() {
    if (active) {
      rounds.request();
    }
  }

  /** After the last round: a failure backs off (doubling, up to the configured maximum) and tries again. */
  private void settled(AsyncResult<Void> done) {
    if (System.nanoTime() - lagReadAt >= LAG_REFRESH_MS * 1_000_000) {
      refreshLag();
    }
    if (done.failed()) {
      backoffMillis = backoffMillis == 0 ? 100 : Math.min(backoffMillis * 2, settings.maxBackoff().toMillis());
      LOG.warn("Outbox relay could not publish, retrying in {} ms: {}", backoffMillis, done.cause().toString());
      vertx.setTimer(backoffMillis, id -> wake());
    } else {
      backoffMillis = 0;
    }
  }

  /** Publishes batches until a short one says the outbox is drained. */
  private Future<Void> drain() {
    return pool.preparedQuery(UNPUBLISHED).execute(Tuple.of(settings.batchSize())).compose(rows -> {
      if (rows.size() == 0) {
        drained();
        return Future.succeededFuture();
      }
      List<OutboxRecord> records = new ArrayList<>(rows.size());
      for (Row row : rows) {
        records.add(new OutboxRecord(row.getLong("position"), row.getString("topic"), row.getString("event_key"),
          (JsonObject) row.getValue("event")));
      }
      Long[] positions = records.stream().map(OutboxRecord::position).toArray(Long[]::new);
      return publisher.publish(records)
        .compose(v -> pool.preparedQuery(MARK_PUBLISHED).execute(Tuple.of(positions)))
        .compose(v -> {
          publishedTotal.addAndGet(records.size());
          if (records.size() < settings.batchSize()) {
            drained();
          }
          return records.size() == settings.batchSize() && active ? drain() : Future.succeededFuture();
        });
    });
  }

  /** A round found nothing more to publish: nothing waits (rows committed since are counted at the next read). */
  private void drained() {
    unpublishedRows.set(0);
    oldestUnpublishedNanos.set(Long.MIN_VALUE);
  }

  /**
   * Counts the rows waiting and dates the oldest (one read at a time). A failed read leaves the last values: the age
   * goes on growing from the oldest row seen.
   */
  public Future<Void> refreshLag() {
    if (lagReading) {
      return Future.succeededFuture();
    }
    lagReading = true;
    lagReadAt = System.nanoTime();
    return pool.query(LAG).execute()
      .<Void>map(rows -> {
        Row row = rows.iterator().next();
        unpublishedRows.set(row.getLong(0));
        Long ageMillis = row.getLong(1);
        oldestUnpublishedNanos.set(ageMillis == null ? Long.MIN_VALUE : lagReadAt - ageMillis * 1_000_000);
        return null;
      })
      .onComplete(v -> lagReading = false);
  }

  /** Deletes rows published longer ago than the retention, and reads the lag gauges again. */
  public Future<Void> housekeeping() {
    return pool.preparedQuery(PRUNE).execute(Tuple.of((double) settings.retention().toSeconds()))
      .onSuccess(rows -> {
        if (rows.rowCount() > 0) {
          LOG.info("Pruned {} published outbox rows", rows.rowCount());
        }
      })
      .compose(v -> refreshLag());
  }

  /** Only an active relay publishes: the leader is active, standbys are not. */
  public void setActive(boolean active) {
    this.active = active;
    if (active) {
      wake();
    }
  }
}
