package dev.taskflow.api;

import io.vertx.core.json.JsonObject;

/** The HTTP side of the API verticle's configuration. */
public record ApiSettings(String host, int port, int bodyLimit) {

  public static ApiSettings from(JsonObject config) {
    return new ApiSettings(
      config.getString("http.host", "0.0.0.0"),
      config.getInteger("http.port", 8080),
      config.getInteger("http.body.limit", 65536));
  }
}
