package dev.taskflow.core.runtime;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Set;

/**
 * Keeps {@code /metrics} bounded whatever clients send. Vert.x labels every HTTP server request with its method as
 * sent, so 5,000 requests with made-up methods made 5,000 more series (79 KB grew to 14 MB): a method that is not one
 * of HTTP's own is counted as {@code OTHER}. The route label is the matched route's pattern, never the raw path, but
 * it is capped too ({@value #MAX_ROUTES} values; requests on more routes than that are not counted), in case a
 * pattern ever carries a request's text.
 */
public final class MeterLimits {

  static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
    "CONNECT");
  static final int MAX_ROUTES = 200;

  private MeterLimits() {
  }

  /** A Prometheus registry with the limits in place before any meter is registered. */
  public static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config()
      .meterFilter(MeterFilter.replaceTagValues("method", method -> METHODS.contains(method) ? method : "OTHER"))
      .meterFilter(MeterFilter.maximumAllowableTags("vertx.http.server", "route", MAX_ROUTES, MeterFilter.deny()));
    return registry;
  }
}
