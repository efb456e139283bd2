package dev.taskflow.core.dapr;

import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * How to reach the Dapr sidecar and where its deliveries come in.
 *
 * @param host     the sidecar's host ({@code dapr.host}); the sidecar runs beside the process, so loopback
 * @param httpPort the sidecar's HTTP API port ({@code dapr.http.port}); the {@code DAPR_HTTP_PORT} variable that the
 *                 sidecar injector sets wins over it
 * @param pubsub   the name of the pub/sub Component ({@code dapr.pubsub}), see {@code dapr-components/pubsub.yaml}
 * @param appHost  where this process listens for the sidecar's deliveries ({@code dapr.app.host})
 * @param appPort  ... and on which port ({@code dapr.app.port}, the sidecar's {@code --app-port}); 0 picks a free one
 */
public record DaprSettings(String host, int httpPort, String pubsub, String appHost, int appPort) {

  /** Set by {@code daprd} (and {@code dapr run}) to the port of its HTTP API. */
  public static final String HTTP_PORT_ENV = "DAPR_HTTP_PORT";

  public DaprSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("dapr.host must not be empty");
    }
    if (pubsub == null || pubsub.isBlank()) {
      throw new IllegalArgumentException("dapr.pubsub must not be empty");
    }
    if (httpPort < 1 || httpPort > 65535) {
      throw new IllegalArgumentException("dapr.http.port must be a port number, got " + httpPort);
    }
    if (appPort < 0 || appPort > 65535) {
      throw new IllegalArgumentException("dapr.app.port must be a port number (or 0), got " + appPort);
    }
  }

  /** The settings from the configuration, with {@code DAPR_HTTP_PORT} from the process environment. */
  public static DaprSettings from(JsonObject config) {
    return from(config, System.getenv());
  }

  public static DaprSettings from(JsonObject config, Map<String, String> env) {
    return new DaprSettings(
      config.getString("dapr.host", "127.0.0.1"),
      httpPort(config, env),
      config.getString("dapr.pubsub", "pubsub"),
      config.getString("dapr.app.host", "0.0.0.0"),
      config.getInteger("dapr.app.port", 3601));
  }

  /** {@code DAPR_HTTP_PORT} when the environment has it, else {@code dapr.http.port}, else 3500. */
  static int httpPort(JsonObject config, Map<String, String> env) {
    String fromEnv = env.get(HTTP_PORT_ENV);
    if (fromEnv == null || fromEnv.isBlank()) {
      return config.getInteger("dapr.http.port", 3500);
    }
    try {
      return Integer.parseInt(fromEnv.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(HTTP_PORT_ENV + " must be a port number, got '" + fromEnv + "'");
    }
  }

  /** The same settings with another sidecar port. */
  public DaprSettings withHttpPort(int port) {
    return new DaprSettings(host, port, pubsub, appHost, appPort);
  }

  /** The same settings with another application port (a test's free port). */
  public DaprSettings withAppPort(int port) {
    return new DaprSettings(host, httpPort, pubsub, appHost, port);
  }
}
