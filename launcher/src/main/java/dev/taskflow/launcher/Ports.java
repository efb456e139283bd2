package dev.taskflow.launcher;

import dev.taskflow.core.config.TaskflowConfig;
import dev.taskflow.core.dapr.DaprSettings;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.kafka.KafkaSettings;
import dev.taskflow.core.runtime.ClusterSettings;
import dev.taskflow.core.transport.Transports;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixed ports this process is going to listen on, tried before the embedded PostgreSQL and Kafka start (which
 * takes seconds and then fails further down with a message about something else): one that is taken refuses the start
 * with {@link StartRefused#PORT_IN_USE}, naming the setting and its variable. Port 0 (any free one) is not checked.
 */
final class Ports {

  private static final String LOOPBACK = "127.0.0.1";

  private Ports() {
  }

  /** One port: the setting that chooses it, the address it is bound on (empty: every interface) and the number. */
  record Port(String key, String host, int number) {

    String describe() {
      return key + " (" + TaskflowConfig.envName(key) + ") " + number + " on " + (host.isEmpty() ? "0.0.0.0" : host);
    }
  }

  /** Fails with {@link StartRefused} when one of {@link #wanted} is in use. */
  static void requireFree(JsonObject config, List<String> verticles) {
    for (Port port : wanted(config, verticles)) {
      String problem = bindProblem(port.host(), port.number());
      if (problem != null) {
        throw new StartRefused(StartRefused.PORT_IN_USE, port.describe() + " is in use (" + problem + "): stop what "
          + "listens there, or set " + port.key() + " to another port");
      }
    }
    ClusterSettings cluster = ClusterSettings.from(config);
    if (cluster.enabled() && allTaken(cluster)) {
      int last = cluster.port() + ClusterSettings.PORTS - 1;
      throw new StartRefused(StartRefused.PORT_IN_USE, "cluster.port (" + TaskflowConfig.envName("cluster.port")
        + ") " + cluster.port() + "-" + last + " are all in use: stop a process that uses them, or set cluster.port "
        + "to the first of " + ClusterSettings.PORTS + " free ports");
    }
  }

  /** The ports of this process's configuration and verticles that are fixed numbers. */
  static List<Port> wanted(JsonObject config, List<String> verticles) {
    List<Port> ports = new ArrayList<>();
    if (verticles.contains("api")) {
      ports.add(new Port("http.port", config.getString("http.host", "0.0.0.0"), config.getInteger("http.port", 8080)));
    }
    String transport = Transports.kind(config);
    if (Transports.DAPR.equals(transport)) {
      DaprSettings dapr = DaprSettings.from(config, System.getenv());
      ports.add(new Port("dapr.app.port", dapr.appHost(), dapr.appPort()));
    }
    if (DatabaseSettings.from(config).embedded()) {
      ports.add(new Port("db.embedded.port", LOOPBACK, config.getInteger("db.embedded.port", 0)));
    }
    if (Transports.KAFKA.equals(transport) && KafkaSettings.from(config).embedded()) {
      ports.add(new Port("kafka.embedded.port", LOOPBACK, KafkaSettings.from(config).embeddedPort()));
    }
    ClusterSettings cluster = ClusterSettings.from(config);
    if (cluster.enabled()) {
      ports.add(new Port("cluster.eventbus.port", cluster.host(), cluster.busPort()));
    }
    if (!verticles.isEmpty()) {
      // every serving process has a management server
      ports.add(new Port("management.port", config.getString("management.host", "127.0.0.1"),
        config.getInteger("management.port", 9000)));
    }
    return ports.stream().filter(port -> port.number() > 0).toList();
  }

  /** Hazelcast takes the first free port of its range: only a range with none free is a problem. */
  private static boolean allTaken(ClusterSettings cluster) {
    String host = cluster.host().isEmpty() && cluster.local() ? LOOPBACK : cluster.host();
    for (int port = cluster.port(); port < cluster.port() + ClusterSettings.PORTS; port++) {
      if (bindProblem(host, port) == null) {
        return false;
      }
    }
    return true;
  }

  /** Why a server socket cannot be bound there (as Vert.x and PostgreSQL bind, with SO_REUSEADDR), or null. */
  static String bindProblem(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(host.isEmpty() ? new InetSocketAddress(port)
        : new InetSocketAddress(InetAddress.getByName(host), port));
      return null;
    } catch (IOException e) {
      return e.getMessage();
    }
  }
}
