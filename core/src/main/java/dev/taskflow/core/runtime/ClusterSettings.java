package dev.taskflow.core.runtime;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.spi.properties.ClusterProperty;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How a process joins the others when its verticles run apart ({@code cluster.*}): the clustered event bus, with
 * Hazelcast keeping the membership and who listens on which address. The event bus itself speaks TCP between the
 * processes, on the address Hazelcast uses.
 *
 * <p>With no {@code members} the cluster is the processes of this machine: Hazelcast listens on the loopback interface
 * only and finds the others on 127.0.0.1 from {@code port} up. With {@code members} it joins those (TCP-IP, never
 * multicast) and listens on {@code host}, or on an interface Hazelcast picks when no host is given.
 *
 * @param enabled whether this process joins a cluster at all; off, the event bus is local to the process
 * @param name    the cluster's name: processes only join a cluster of the same name
 * @param host    the IP address to listen on and to be reached at; empty picks one (loopback with no members)
 * @param port    Hazelcast's first port; the next free one is taken when it is in use
 * @param members {@code host[:port]} of other members to join; empty means this machine
 */
public record ClusterSettings(boolean enabled, String name, String host, int port, List<String> members) {

  private static final Pattern IP_ADDRESS = Pattern.compile("[0-9.]+|[0-9a-fA-F:]+");
  private static final String LOOPBACK = "127.0.0.1";
  /** Ports tried per member without a port: enough for one process per verticle on one machine. */
  private static final int PORTS_TRIED = 10;

  public ClusterSettings {
    name = name == null ? "" : name.strip();
    host = host == null ? "" : host.strip();
    members = List.copyOf(members);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("cluster.name must not be empty");
    }
    if (!host.isEmpty() && !IP_ADDRESS.matcher(host).matches()) {
      throw new IllegalArgumentException("cluster.host must be an IP address (the interface to listen on), got '"
        + host + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("cluster.port must be between 1 and 65535, got " + port);
    }
  }

  public static ClusterSettings from(JsonObject config) {
    String members = config.getString("cluster.members", "");
    return new ClusterSettings(
      config.getBoolean("cluster.enabled", false),
      config.getString("cluster.name", "taskflow"),
      config.getString("cluster.host", ""),
      config.getInteger("cluster.port", 5701),
      Arrays.stream(members.split(",")).map(String::strip).filter(member -> !member.isEmpty()).toList());
  }

  /** No members named: the cluster is this machine's processes, on the loopback interface. */
  public boolean local() {
    return members.isEmpty();
  }

  /**
   * Vert.x's own Hazelcast configuration (the maps its event bus needs) joined as described above: TCP-IP only (no
   * multicast, no cloud auto-detection), no waiting before the join, Hazelcast's logging through SLF4J, no phone-home,
   * and no shutdown hook of its own, so Taskflow's undeploys the verticles before the process leaves the cluster.
   */
  public Config hazelcastConfig() {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(name);
    config.setProperty(ClusterProperty.LOGGING_TYPE.getName(), "slf4j");
    config.setProperty(ClusterProperty.PHONE_HOME_ENABLED.getName(), "false");
    config.setProperty(ClusterProperty.SHUTDOWNHOOK_ENABLED.getName(), "false");
    config.setProperty(ClusterProperty.WAIT_SECONDS_BEFORE_JOIN.getName(), "0");
    config.setProperty(ClusterProperty.TCP_JOIN_PORT_TRY_COUNT.getName(), Integer.toString(PORTS_TRIED));

    NetworkConfig network = config.getNetworkConfig().setPort(port).setPortAutoIncrement(true);
    String listenOn = host.isEmpty() && local() ? LOOPBACK : host;
    if (!listenOn.isEmpty()) {
      network.getInterfaces().setEnabled(true).setInterfaces(List.of(listenOn));
      config.setProperty(ClusterProperty.SOCKET_BIND_ANY.getName(), "false");
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(local() ? List.of(LOOPBACK) : members);
    return config;
  }

  @Override
  public String toString() {
    return "cluster '" + name + "' " + (local() ? "on this machine (127.0.0.1:" + port + "+)" : "with " + members);
  }
}
