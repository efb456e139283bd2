package dev.taskflow.api;

import dev.taskflow.api.limits.ClientAddress;
import io.vertx.core.json.JsonObject;

/**
 * The HTTP side of the API verticle's configuration.
 *
 * @param bodyLimit            the largest request body of the API, bytes
 * @param idleTimeoutSeconds   a connection with no bytes either way for this long is closed
 *                             ({@code http.idle.timeout.seconds})
 * @param headerTimeoutSeconds a connection whose first request's headers are not complete this long after it opened
 *                             is closed ({@code http.header.timeout.seconds})
 * @param clientAddress        who the client of a request is, given the trusted proxies ({@code http.trusted.proxies})
 * @param liveMessageLimit     the largest WebSocket frame and message, and SockJS {@code xhr_send} body, the bridge
 *                             takes, bytes; a socket that sends more is closed (its frames are small JSON)
 * @param liveSocketsPerUser   bridged sockets one user may have open on this process at once
 * @param liveIdleTimeoutSeconds a bridged socket whose client sent nothing (no ping) for this long is closed
 */
public record ApiSettings(String host, int port, int bodyLimit, int idleTimeoutSeconds, int headerTimeoutSeconds,
                          ClientAddress clientAddress, int liveMessageLimit, int liveSocketsPerUser,
                          int liveIdleTimeoutSeconds) {

  public ApiSettings {
    if (liveMessageLimit < 1024 || liveSocketsPerUser < 1 || liveIdleTimeoutSeconds < 1) {
      throw new IllegalArgumentException("live.message.limit must be at least 1024, live.sockets.per.user and "
        + "live.idle.timeout.seconds at least 1");
    }
  }

  public static ApiSettings from(JsonObject config) {
    return new ApiSettings(
      config.getString("http.host", "0.0.0.0"),
      config.getInteger("http.port", 8080),
      config.getInteger("http.body.limit", 65536),
      Math.max(1, config.getInteger("http.idle.timeout.seconds", 60)),
      Math.max(1, config.getInteger("http.header.timeout.seconds", 10)),
      ClientAddress.of(config.getString("http.trusted.proxies", "")),
      config.getInteger("live.message.limit", 65536),
      config.getInteger("live.sockets.per.user", 20),
      config.getInteger("live.idle.timeout.seconds", 150));
  }
}
