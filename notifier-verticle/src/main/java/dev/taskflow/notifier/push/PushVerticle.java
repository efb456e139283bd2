package dev.taskflow.notifier.push;

import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.net.EgressGuard;
import dev.taskflow.core.push.PushSettings;
import dev.taskflow.core.push.VapidKeys;
import dev.taskflow.core.runtime.DueTimer;
import dev.taskflow.notifier.NotifierSettings;
import dev.taskflow.notifier.webhooks.WebhookTargets;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Web Push deliveries ({@link PushDispatcher}), queued by the notifier's consumer of fired reminders
 * ({@link PushQueue}): woken by NOTIFY on {@code push_deliveries}, by its timer when a retry is due, and whenever one
 * of its attempts ends. Signs with the VAPID key pair kept in the data directory ({@link VapidKeys}, generated on first
 * run), or the one in {@code push.vapid.key.file}. Deletes finished deliveries past {@code push.retention.days} a
 * minute after start and hourly ({@link PushRetention}).
 */
public final class PushVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PushVerticle.class);
  public static final String CHANNEL = "push_deliveries";
  private static final String RESOLVER_POOL = "taskflow-push-resolver";
  private static final long PRUNE_FIRST_MS = 60_000;
  private static final long PRUNE_EVERY_MS = 3_600_000;

  private Pool pool;
  private WebClient client;
  private WorkerExecutor resolver;
  private DueTimer timer;
  private long pruneTimer = -1;

  @Override
  public Future<?> start() {
    DatabaseSettings db = DatabaseSettings.from(config());
    PushSettings settings = PushSettings.from(config());
    NotifierSettings notifier = NotifierSettings.from(config());
    pool = Database.pool(vertx, new DatabaseSettings(db.url(), 2));
    client = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("Taskflow-Push/1")
        .setFollowRedirects(false)
        .setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(settings.inFlight()));
    resolver = vertx.createSharedWorkerExecutor(RESOLVER_POOL, settings.inFlight());
    return vertx.executeBlocking(() -> VapidKeys.load(config()))
      .compose(keys -> {
        PushDispatcher dispatcher = new PushDispatcher(vertx, pool, client,
          new WebhookTargets(resolver, WebhookTargets.SYSTEM, new EgressGuard(false)),
          new WebhookTargets(resolver, WebhookTargets.SYSTEM, new EgressGuard(true)), keys, settings,
          () -> timer.rearm());
        timer = new DueTimer(vertx, "push delivery", dispatcher::nextDueMillis, dispatcher::dispatchDue);
        PushRetention retention = new PushRetention(pool, settings.retention());
        pruneTimer = vertx.setPeriodic(PRUNE_FIRST_MS, PRUNE_EVERY_MS, id -> retention.prune()
          .onFailure(e -> LOG.warn("Pruning finished push deliveries failed, trying again in an hour: {}", e.toString())));
        return timer.start(db.connectOptions(), CHANNEL, notifier.safetyPoll());
      })
      .onSuccess(v -> LOG.info("Push delivery armed: {} in flight at most, {} attempts, VAPID subject {}",
        settings.inFlight(), settings.retry().attempts(), settings.subject()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(pruneTimer);
    return (timer != null ? timer.stop() : Future.succeededFuture())
      .eventually(() -> {
        client.close();
        return resolver.close();
      })
      .eventually(() -> pool.close());
  }
}
