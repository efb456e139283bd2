package dev.taskflow.notifier.webhooks;

import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.net.EgressGuard;
import dev.taskflow.core.runtime.DueTimer;
import dev.taskflow.notifier.NotifierSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends webhook deliveries ({@link WebhookDispatcher}): woken by NOTIFY on {@code webhook_deliveries} when deliveries
 * are queued (by any notifier), by its timer when a retry is due, and whenever one of its attempts ends. Several
 * instances share the queue through leases; each deletes finished deliveries past {@code webhooks.retention.days} a
 * minute after start and hourly ({@link WebhookRetention}). Webhook hosts are resolved on a worker pool of its own and checked
 * against {@code webhooks.allow.private} ({@link WebhookTargets}).
 */
public final class WebhookVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookVerticle.class);
  public static final String CHANNEL = "webhook_deliveries";
  private static final String RESOLVER_POOL = "taskflow-webhook-resolver";
  private static final long PRUNE_FIRST_MS = 60_000;
  private static final long PRUNE_EVERY_MS = 3_600_000;

  private final WebhookTargets.Lookup lookup;
  private final TrustOptions trust;
  private Pool pool;
  private WebClient client;
  private WorkerExecutor resolver;
  private DueTimer timer;
  private long pruneTimer = -1;

  /** Resolves webhook hosts with the system resolver and trusts the JVM's certificate authorities. */
  public WebhookVerticle() {
    this(WebhookTargets.SYSTEM, null);
  }

  /** For tests: names of their own ({@code lookup}), and their receivers' certificates trusted ({@code trust}). */
  WebhookVerticle(WebhookTargets.Lookup lookup, TrustOptions trust) {
    this.lookup = lookup;
    this.trust = trust;
  }

  @Override
  public Future<?> start() {
    DatabaseSettings db = DatabaseSettings.from(config());
    NotifierSettings settings = NotifierSettings.from(config());
    EgressGuard guard = EgressGuard.from(config());
    pool = Database.pool(vertx, new DatabaseSettings(db.url(), 4));
    client = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("Taskflow-Webhooks/1")
        .setFollowRedirects(false)
        .setKeepAlive(true)
        .setTrustOptions(trust),
      new PoolOptions().setHttp1MaxSize(settings.webhookInFlight()));
    // a thread for every request that may be in flight: a resolver that does not answer holds only its own attempts
    resolver = vertx.createSharedWorkerExecutor(RESOLVER_POOL, settings.webhookInFlight());
    WebhookDispatcher dispatcher = new WebhookDispatcher(pool, client, new WebhookTargets(resolver, lookup, guard),
      settings, () -> timer.rearm());
    timer = new DueTimer(vertx, "webhook delivery", dispatcher::nextDueMillis, dispatcher::dispatchDue);
    WebhookRetention retention = new WebhookRetention(pool, settings.webhookRetention());
    pruneTimer = vertx.setPeriodic(PRUNE_FIRST_MS, PRUNE_EVERY_MS, id -> retention.prune()
      .onFailure(e -> LOG.warn("Pruning finished webhook deliveries failed, trying again in an hour: {}", e.toString())));
    return timer.start(db.connectOptions(), CHANNEL, settings.safetyPoll())
      .onSuccess(v -> LOG.info("Webhook delivery armed: {} in flight at most, {} per webhook, {} attempts, {}",
        settings.webhookInFlight(), settings.perWebhook(), settings.webhookRetry().attempts(),
        guard.allowPrivate() ? "private addresses allowed" : "public addresses only"));
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
