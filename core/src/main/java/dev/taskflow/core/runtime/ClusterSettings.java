package dev.taskflow.core.runtime;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.spi.properties.ClusterProperty;
import io.netty.util.NetUtil;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

import java.util.Arrays;
import java.util.List;

/**
 * How a process joins the others when its verticles run apart ({@code cluster.*}): the clustered event bus, with
 * Hazelcast keeping the membership and who listens on which address. The event bus itself speaks TCP between the
 * processes, on the address Hazelcast uses.
 *
 * <p>With no {@code members} the cluster is the processes on one address: {@code host}, or the loopback interface when
 * none is given, from {@code port} up. With {@code members} it joins those (TCP-IP, never multicast) and listens on
 * {@code host}, or on an interface Hazelcast picks when no host is given.
 *
 * @param enabled  whether this process joins a cluster at all; off, the event bus is local to the process
 * @param name     the cluster's name: processes only join a cluster of the same name
 * @param host     the IPv4 address to listen on and to be reached at; empty picks one (loopback with no members)
 * @param port     Hazelcast's first port; the next free one of {@value #PORTS} is taken when it is in use
 * @param busPort  the event bus's port (the same address as Hazelcast's); 0 takes any free one
 * @param members  {@code host[:port]} of other members to join; empty means the processes on {@code host}
 * @param kubernetesServiceDns the DNS name of a headless Service whose addresses are the members (Hazelcast's
 *                 Kubernetes discovery in DNS mode, e.g. {@code taskflow-cluster.default.svc.cluster.local}); empty: TCP-IP
 * @param joinWaitSeconds how long a member waits for the others before it forms a cluster of its own: 0 for TCP-IP
 *                 (the members are known), at least 1 with Kubernetes discovery, where members that start together
 *                 and do not wait each form their own cluster
 */
public record ClusterSettings(boolean enabled, String name, String host, int port, int busPort,
                              List<String> members, String kubernetesServiceDns, int joinWaitSeconds) {

  private static final String LOOPBACK = "127.0.0.1";
  /**
   * Ports a member may take from {@code port} on, and the ports tried for a member named without one: enough for one
   * process per verticle on one machine.
   */
  public static final int PORTS = 10;

  public ClusterSettings {
    name = name == null ? "" : name.strip();
    host = host == null ? "" : host.strip();
    members = List.copyOf(members);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("cluster.name must not be empty");
    }
    if (!host.isEmpty() && !NetUtil.isValidIpV4Address(host)) {
      throw new IllegalArgumentException("cluster.host must be an IPv4 address (the interface to listen on), got '"
        + host + "'");
    }
    if (port < 1 || port > 65535 - PORTS) {
      throw new IllegalArgumentException("cluster.port must be between 1 and " + (65535 - PORTS) + ", got " + port);
    }
    if (busPort < 0 || busPort > 65535) {
      throw new IllegalArgumentException("cluster.eventbus.port must be between 0 and 65535, got " + busPort);
    }
    kubernetesServiceDns = kubernetesServiceDns == null ? "" : kubernetesServiceDns.strip();
    if (!kubernetesServiceDns.isEmpty() && !members.isEmpty()) {
      throw new IllegalArgumentException("cluster.members and cluster.kubernetes.service.dns are two ways to find the "
        + "members: set one");
    }
    if (!kubernetesServiceDns.isEmpty() && joinWaitSeconds < 1) {
      throw new IllegalArgumentException("cluster.join.wait.seconds must be at least 1 with Kubernetes discovery (with "
        + "0, members that start together each form a cluster of their own), got " + joinWaitSeconds);
    }
    if (joinWaitSeconds < 0) {
      throw new IllegalArgumentException("cluster.join.wait.seconds must not be negative, got " + joinWaitSeconds);
    }
  }

  /** Kubernetes discovery waits this long for the others by default. */
  public static final int KUBERNETES_JOIN_WAIT_SECONDS = 5;

  public static ClusterSettings from(JsonObject config) {
    String members = config.getString("cluster.members", "");
    String dns = config.getString("cluster.kubernetes.service.dns", "");
    return new ClusterSettings(
      config.getBoolean("cluster.enabled", false),
      config.getString("cluster.name", "taskflow"),
      config.getString("cluster.host", ""),
      config.getInteger("cluster.port", 5701),
      config.getInteger("cluster.eventbus.port", 0),
      Arrays.stream(members.split(",")).map(String::strip).filter(member -> !member.isEmpty()).toList(),
      dns,
      config.getInteger("cluster.join.wait.seconds", -1) >= 0
        ? config.getInteger("cluster.join.wait.seconds")
        : dns.isEmpty() ? 0 : KUBERNETES_JOIN_WAIT_SECONDS);
  }

  /** Members found through a headless Service's DNS name (Kubernetes). */
  public boolean kubernetes() {
    return !kubernetesServiceDns.isEmpty();
  }

  /** No members named: the cluster is the processes on one address, the loopback interface unless a host is given. */
  public boolean local() {
    return members.isEmpty() && !kubernetes();
  }

  /** The address Hazelcast (and with it the event bus) listens on; empty: one Hazelcast picks. */
  private String listenOn() {
    return host.isEmpty() && local() ? LOOPBACK : host;
  }

  /**
   * Vert.x's own Hazelcast configuration (the maps its event bus needs) joined as described above: TCP-IP, or
   * Kubernetes discovery by DNS (every address of the headless Service, at {@code port}; no Kubernetes API access, so
   * no service account token is needed), never multicast or cloud auto-detection; {@code joinWaitSeconds} before the
   * join; Hazelcast's logging through SLF4J and no phone-home. A member that stops answering is dropped after 15 s (not 60), so requests stop going to its consumers
   * sooner, and leaving waits at most 15 s for partitions to move, well inside the launcher's shutdown. (The cluster
   * manager turns Hazelcast's own shutdown hook off: Taskflow's undeploys the verticles, then leaves.)
   */
  public Config hazelcastConfig() {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(name);
    config.setProperty(ClusterProperty.LOGGING_TYPE.getName(), "slf4j");
    config.setProperty(ClusterProperty.PHONE_HOME_ENABLED.getName(), "false");
    config.setProperty(ClusterProperty.WAIT_SECONDS_BEFORE_JOIN.getName(), Integer.toString(joinWaitSeconds));
    config.setProperty(ClusterProperty.TCP_JOIN_PORT_TRY_COUNT.getName(), Integer.toString(PORTS));
    config.setProperty(ClusterProperty.MAX_NO_HEARTBEAT_SECONDS.getName(), "15");
    config.setProperty(ClusterProperty.GRACEFUL_SHUTDOWN_MAX_WAIT.getName(), "15");

    // a pod has an address of its own: its member is on exactly the port the others look for
    NetworkConfig network = config.getNetworkConfig().setPort(port).setPortAutoIncrement(!kubernetes())
      .setPortCount(PORTS);
    if (!listenOn().isEmpty()) {
      network.getInterfaces().setEnabled(true).setInterfaces(List.of(listenOn()));
      config.setProperty(ClusterProperty.SOCKET_BIND_ANY.getName(), "false");
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (kubernetes()) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true)
        .setProperty("service-dns", kubernetesServiceDns)
        .setProperty("service-port", Integer.toString(port));
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(local() ? List.of(listenOn()) : members);
    }
    return config;
  }

  @Override
  public String toString() {
    return "cluster '" + name + "' " + (kubernetes() ? "found through " + kubernetesServiceDns + ":" + port
      : local() ? "on " + listenOn() + ":" + port + "-" + (port + PORTS - 1) : "with " + members);
  }
}
