package dev.taskflow.core.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Creates the Vert.x instance Taskflow runs on: Prometheus metrics on, JVM metrics included; clustered with Hazelcast
 * when {@link ClusterSettings#enabled()}.
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
    return builder(new VertxOptions())
      .withClusterManager(new HazelcastClusterManager(cluster.hazelcastConfig()))
      .buildClustered();
  }

  private static VertxBuilder builder(VertxOptions options) {
    return Vertx.builder()
      .with(withMetrics(options))
      .withMetrics(new MicrometerMetricsFactory());
  }

  public static VertxOptions withMetrics(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions()
      .setEnabled(true)
      .setJvmMetricsEnabled(true)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }
}
