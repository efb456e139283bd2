package dev.taskflow.core.management;

import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.transport.EventPublisher;
import dev.taskflow.core.transport.Transports;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management server of one process, whatever verticles it runs (the launcher deploys it once, after them, so
 * that a readiness probe passes only when they are up):
 * {@code /metrics} (Prometheus: the whole process's meters), {@code /health/live} and {@code /health/ready}
 * ({@link Readiness}), on {@code management.host}:{@code management.port} ({@link ManagementSettings}), apart from the
 * public API port. Owns a pool of one connection and a transport publisher, for the readiness checks only.
 */
public final class ManagementVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ManagementVerticle.class);

  private Pool pool;
  private EventPublisher broker;
  private HttpServer server;

  @Override
  public Future<?> start() {
    ManagementSettings settings = ManagementSettings.from(config());
    pool = Database.pool(vertx, new DatabaseSettings(DatabaseSettings.from(config()).url(), 1));
    return Transports.publisher(vertx, config())
      .onSuccess(publisher -> broker = publisher)
      .compose(publisher -> vertx.createHttpServer()
        .requestHandler(router())
        .listen(settings.port(), settings.host()))
      .onSuccess(s -> {
        server = s;
        LOG.info("Management (metrics, health) on http://{}:{}", settings.host(), s.actualPort());
      })
      // a start that fails is not stopped: what it opened is closed here
      .onFailure(e -> stop());
  }

  private Router router() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    router.get("/health/live").handler(Readiness.live(vertx));
    router.get("/health/ready").handler(Readiness.ready(vertx, pool));
    router.get("/health/broker").handler(Readiness.broker(vertx, broker, Transports.kind(config())));
    return router;
  }

  /** The port it listens on (the configured one, or the one picked for 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    Future<Void> closing = server != null ? server.close() : Future.succeededFuture();
    return closing
      .eventually(() -> broker != null ? broker.close() : Future.succeededFuture())
      .eventually(() -> pool != null ? pool.close() : Future.succeededFuture());
  }
}
