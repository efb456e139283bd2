package dev.taskflow.core.runtime;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

/** Creates the Vert.x instance Taskflow runs on: Prometheus metrics on, JVM metrics included. */
public final class TaskflowVertx {

  private TaskflowVertx() {
  }

  public static Vertx create() {
    return create(new VertxOptions());
  }

  public static Vertx create(VertxOptions options) {
    return Vertx.builder()
      .with(withMetrics(options))
      .withMetrics(new MicrometerMetricsFactory())
      .build();
  }

  public static VertxOptions withMetrics(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions()
      .setEnabled(true)
      .setJvmMetricsEnabled(true)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }
}
