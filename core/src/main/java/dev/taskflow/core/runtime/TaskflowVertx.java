package dev.taskflow.core.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Creates the Vert.x instance Taskflow runs on: Prometheus metrics on, JVM metrics included, label values bounded
 * ({@link MeterLimits}); clustered with Hazelcast when {@link ClusterSettings#enabled()}.
 */
public final class TaskflowVertx {

  private TaskflowVertx() {
  }

  public static Vertx create() {
    return create(new VertxOptions());
  }

  public static Vertx create(VertxOptions options) {
    return builder(options).build();
  }

  /** A process on its own, or a member of the cluster once it has joined. */
  public static Future<Vertx> start(ClusterSettings cluster) {
    if (!cluster.enabled()) {
      return Future.succeededFuture(create());
    }
    VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions().setPort(cluster.busPort()));
    return builder(options)
      .withClusterManager(new HazelcastClusterManager(cluster.hazelcastConfig()))
      .buildClustered();
  }

  /**
   * How many members the cluster this Vert.x is in has, itself included, as this member sees it now; 0 when it is
   * clustered but no longer a member (Hazelcast stopped), 1 when it is not clustered. Reads local state only.
   */
  public static int clusterMembers(Vertx vertx) {
    if (!vertx.isClustered()) {
      return 1;
    }
    ClusterManager manager = ((VertxInternal) vertx).clusterManager();
    return manager.isActive() ? manager.getNodes().size() : 0;
  }

  private static VertxBuilder builder(VertxOptions options) {
    return Vertx.builder()
      .with(withMetrics(options))
      .withMetrics(new MicrometerMetricsFactory(MeterLimits.registry()));
  }

  public static VertxOptions withMetrics(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions()
      .setEnabled(true)
      .setJvmMetricsEnabled(true)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }
}
