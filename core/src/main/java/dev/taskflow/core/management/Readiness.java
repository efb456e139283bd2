package dev.taskflow.core.management;

import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.transport.EventPublisher;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health checks: {@code /health/live} (answering at all shows the event loop is alive), {@code /health/ready}
 * (what the process needs to do its work: cluster membership when clustered, the database, and every consumer of the
 * process having joined its group once — {@link ConsumerMembership}) and {@code /health/broker} (the broker or
 * sidecar). The broker is not part of readiness: while it is down the outbox keeps every event and the consumers
 * resume by themselves, so taking the API out of service would only turn users away. Served by the management server
 * of every process and, for compatibility, by the API on its own port.
 */
public final class Readiness {

  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

  private Readiness() {
  }

  public static HealthCheckHandler live(Vertx vertx) {
    return HealthCheckHandler.create(vertx).register("event-loop", promise -> promise.complete(Status.OK()));
  }

  public static HealthCheckHandler ready(Vertx vertx, Pool pool) {
    HealthCheckHandler ready = HealthCheckHandler.create(vertx);
    if (vertx.isClustered()) {
      // history, recurrence and live updates come from the other processes over the cluster: this process must still
      // be a member (not "cluster safe": partitions move whenever any member joins or leaves, and that is no reason
      // to take every process out of service)
      ready.register("cluster", promise -> {
        int members = TaskflowVertx.clusterMembers(vertx);
        if (members == 0) {
          LOG.warn("Readiness: this process is no longer a member of the cluster");
          promise.tryComplete(Status.KO());
        } else {
          promise.tryComplete(Status.OK(new JsonObject().put("members", members)));
        }
      });
    }
    return ready
      .register("database", 2000, promise -> pool.query("SELECT 1").execute()
        .onSuccess(rows -> promise.tryComplete(Status.OK()))
        .onFailure(e -> {
          LOG.warn("Readiness: the database does not answer: {}", e.toString());
          promise.tryComplete(Status.KO());
        }))
      .register("consumers", promise -> {
        java.util.List<String> pending = ConsumerMembership.pending(vertx);
        JsonObject data = new JsonObject().put("joined", ConsumerMembership.consumers(vertx).size() - pending.size());
        promise.tryComplete(pending.isEmpty() ? Status.OK(data)
          : Status.KO(data.put("joining", new io.vertx.core.json.JsonArray(pending))));
      });
  }

  /** @param transport the configured transport's name, for the log */
  public static HealthCheckHandler broker(Vertx vertx, EventPublisher broker, String transport) {
    return HealthCheckHandler.create(vertx)
      .register("broker", 5000, promise -> broker.check()
        .onSuccess(v -> promise.tryComplete(Status.OK()))
        .onFailure(e -> {
          LOG.warn("Readiness: the {} transport does not answer: {}", transport, e.toString());
          promise.tryComplete(Status.KO());
        }));
  }
}
