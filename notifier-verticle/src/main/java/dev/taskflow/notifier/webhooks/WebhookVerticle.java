package dev.taskflow.notifier.webhooks;

import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.notifier.DueTimer;
import dev.taskflow.notifier.NotifierSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends webhook deliveries ({@link WebhookDispatcher}): woken by NOTIFY on {@code webhook_deliveries} when deliveries
 * are queued (by any notifier), by its timer when a retry is due, and whenever one of its attempts ends. Several
 * instances share the queue through leases.
 */
public final class WebhookVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookVerticle.class);
  public static final String CHANNEL = "webhook_deliveries";

  private Pool pool;
  private WebClient client;
  private DueTimer timer;

  @Override
  public Future<?> start() {
    DatabaseSettings db = DatabaseSettings.from(config());
    NotifierSettings settings = NotifierSettings.from(config());
    pool = Database.pool(vertx, new DatabaseSettings(db.url(), 4));
    client = WebClient.create(vertx, new WebClientOptions()
        .setUserAgent("Taskflow-Webhooks/1")
        .setFollowRedirects(false)
        .setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(settings.webhookInFlight()));
    WebhookDispatcher dispatcher = new WebhookDispatcher(pool, client, settings, () -> timer.rearm());
    timer = new DueTimer(vertx, "webhook delivery", dispatcher::nextDueMillis, dispatcher::dispatchDue);
    return timer.start(db.connectOptions(), CHANNEL, settings.safetyPoll())
      .onSuccess(v -> LOG.info("Webhook delivery armed: {} in flight at most, {} per webhook, {} attempts",
        settings.webhookInFlight(), settings.perWebhook(), settings.webhookRetry().attempts()));
  }

  @Override
  public Future<?> stop() {
    return (timer != null ? timer.stop() : Future.succeededFuture())
      .eventually(() -> {
        client.close();
        return pool.close();
      });
  }
}
