package dev.taskflow.core.outbox;

import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.transport.EventPublisher;
import dev.taskflow.core.transport.Transports;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiFunction;

/**
 * Runs the outbox relay: woken by LISTEN/NOTIFY on the channel {@code outbox} (every outbox insert notifies at
 * commit), with a slow safety poll, pruning and lag metrics (kept current as it works). Only one relay publishes at a time, cluster-wide: it
 * holds a PostgreSQL advisory lock on a connection of its own; the others wait as standbys and take over when that
 * connection goes away.
 */
public final class RelayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RelayVerticle.class);
  static final long LEADER_LOCK = 0x7461736b666c6f77L; // "taskflow"

  private final BiFunction<Vertx, JsonObject, Future<EventPublisher>> publisherFactory;
  private EventPublisher publisher;
  private Pool pool;
  private PgSubscriber subscriber;
  private PgConnection leaderConnection;
  private OutboxRelay relay;
  private boolean stopping;

  /** The relay of the configured transport. */
  public RelayVerticle() {
    this(Transports::publisher);
  }

  /** @param publisherFactory creates the publisher on this verticle's context, from its configuration */
  public RelayVerticle(BiFunction<Vertx, JsonObject, Future<EventPublisher>> publisherFactory) {
    this.publisherFactory = publisherFactory;
  }

  @Override
  public Future<?> start() {
    DatabaseSettings db = DatabaseSettings.from(config());
    RelaySettings settings = RelaySettings.from(config());
    pool = Database.pool(vertx, new DatabaseSettings(db.url(), 4));
    return publisherFactory.apply(vertx, config()).compose(created -> {
      publisher = created;
      relay = new OutboxRelay(vertx, pool, publisher, settings);
      var registry = BackendRegistries.getDefaultNow();
      if (registry != null) {
        relay.bindMetrics(registry);
      }
      subscriber = PgSubscriber.subscriber(vertx, db.connectOptions()).reconnectPolicy(retries -> 1_000L);
      subscriber.channel("outbox").handler(payload -> relay.wake()).subscribeHandler(v -> relay.wake());
      vertx.setPeriodic(settings.safetyPoll().toMillis(), id -> relay.wake());
      vertx.setPeriodic(60_000, id -> relay.housekeeping());
      // the gauges follow the rounds; this keeps them fresh while none runs (a standby, a quiet or failing database)
      vertx.setPeriodic(OutboxRelay.LAG_REFRESH_MS * 5, id -> relay.refreshLag());
      return subscriber.connect();
    }).compose(v -> becomeLeader(db));
  }

  /** Takes the advisory lock, or keeps trying every few seconds as a standby; succeeds either way. */
  private Future<Void> becomeLeader(DatabaseSettings db) {
    return PgConnection.connect(vertx, db.connectOptions()).compose(connection -> connection
      .query("SELECT pg_try_advisory_lock(" + LEADER_LOCK + ")").execute()
      .compose(rows -> {
        if (rows.iterator().next().getBoolean(0)) {
          leaderConnection = connection;
          connection.closeHandler(v -> {
            leaderConnection = null;
            relay.setActive(false);
            if (!stopping) {
              LOG.warn("Relay lost its leader connection; trying to lead again");
              retryLeadership(db);
            }
          });
          LOG.info("Outbox relay is the leader: publishing");
          relay.housekeeping();
          relay.setActive(true);
        } else {
          connection.close();
          LOG.info("Another outbox relay leads; standing by");
          retryLeadership(db);
        }
        return Future.<Void>succeededFuture();
      }))
      .recover(e -> {
        LOG.warn("Relay could not reach the database: {}", e.toString());
        retryLeadership(db);
        return Future.succeededFuture();
      });
  }

  private void retryLeadership(DatabaseSettings db) {
    vertx.setTimer(3_000, id -> {
      if (leaderConnection == null && !stopping) {
        becomeLeader(db);
      }
    });
  }

  public OutboxRelay relay() {
    return relay;
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    if (relay != null) {
      relay.setActive(false);
    }
    return Future.join(
        subscriber != null ? subscriber.close() : Future.succeededFuture(),
        leaderConnection != null ? leaderConnection.close() : Future.succeededFuture(),
        publisher != null ? publisher.close() : Future.succeededFuture())
      .eventually(() -> pool.close());
  }
}
