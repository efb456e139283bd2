package dev.taskflow.api;

import dev.taskflow.api.limits.ClientAddress;
import io.vertx.core.json.JsonObject;

/**
 * The HTTP side of the API verticle's configuration.
 *
 * @param idleTimeoutSeconds   a connection with no bytes either way for this long is closed
 *                             ({@code http.idle.timeout.seconds})
 * @param headerTimeoutSeconds a connection whose first request's headers are not complete this long after it opened
 *                             is closed ({@code http.header.timeout.seconds})
 * @param clientAddress        who the client of a request is, given the trusted proxies ({@code http.trusted.proxies})
 */
public record ApiSettings(String host, int port, int bodyLimit, int idleTimeoutSeconds, int headerTimeoutSeconds,
                          ClientAddress clientAddress) {

  public static ApiSettings from(JsonObject config) {
    return new ApiSettings(
      config.getString("http.host", "0.0.0.0"),
      config.getInteger("http.port", 8080),
      config.getInteger("http.body.limit", 65536),
      Math.max(1, config.getInteger("http.idle.timeout.seconds", 60)),
      Math.max(1, config.getInteger("http.header.timeout.seconds", 10)),
      ClientAddress.of(config.getString("http.trusted.proxies", "")));
  }
}
