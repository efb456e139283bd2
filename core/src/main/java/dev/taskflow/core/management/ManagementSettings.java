package dev.taskflow.core.management;

import io.vertx.core.json.JsonObject;

/**
 * Where a process serves its metrics and health checks ({@code management.*}).
 *
 * @param host the address to listen on: 127.0.0.1 by default, so metrics stay on the machine; 0.0.0.0 where a
 *             scraper or the kubelet must reach it (the pod's port is then kept off the public Service)
 * @param port the port; 0 picks a free one
 */
public record ManagementSettings(String host, int port) {

  public ManagementSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("management.port must be 0-65535, got " + port);
    }
  }

  public static ManagementSettings from(JsonObject config) {
    return new ManagementSettings(config.getString("management.host", "127.0.0.1"),
      config.getInteger("management.port", 9000));
  }
}
