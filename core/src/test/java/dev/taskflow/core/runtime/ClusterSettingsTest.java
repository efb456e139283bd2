package dev.taskflow.core.runtime;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.taskflow.core.config.TaskflowConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Cluster settings")
class ClusterSettingsTest {

  @Test
  @DisplayName("by default a process is on its own; enabled without members, the cluster is this machine's loopback")
  void loopbackByDefault() {
    ClusterSettings settings = ClusterSettings.from(TaskflowConfig.defaults());
    assertThat(settings.enabled()).isFalse();
    assertThat(settings.local()).isTrue();

    Config config = settings.hazelcastConfig();
    assertThat(config.getClusterName()).isEqualTo("taskflow");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5701);
    assertThat(config.getNetworkConfig().getPortCount()).as("as many ports as a joiner tries").isEqualTo(10);
    assertThat(config.getProperty("hazelcast.tcp.join.port.try.count")).isEqualTo("10");
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isTrue();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1");
    // Vert.x's own maps come from its default configuration
    assertThat(config.getMultiMapConfigs()).containsKey("__vertx.subs");
  }

  @Test
  @DisplayName("Kubernetes discovery: the headless Service's DNS name at the fixed port, no TCP-IP list, waiting 5 s "
    + "before the join by default; a wait of 0 is refused in that mode, and so are members beside it")
  void kubernetes() {
    JsonObject k8s = TaskflowConfig.defaults()
      .put("cluster.enabled", true)
      .put("cluster.host", "10.1.2.3")
      .put("cluster.kubernetes.service.dns", "taskflow-cluster.prod.svc.cluster.local");
    ClusterSettings settings = ClusterSettings.from(k8s);
    assertThat(settings.kubernetes()).isTrue();
    assertThat(settings.local()).isFalse();
    assertThat(settings.joinWaitSeconds()).isEqualTo(ClusterSettings.KUBERNETES_JOIN_WAIT_SECONDS);
    Config config = settings.hazelcastConfig();
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns")).isEqualTo("taskflow-cluster.prod.svc.cluster.local");
    assertThat(join.getKubernetesConfig().getProperty("service-port")).isEqualTo("5701");
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isFalse();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.1.2.3");
    assertThat(config.getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("5");

    assertThatThrownBy(() -> ClusterSettings.from(k8s.copy().put("cluster.join.wait.seconds", 0)))
      .hasMessageContaining("at least 1 with Kubernetes discovery");
    assertThatThrownBy(() -> ClusterSettings.from(k8s.copy().put("cluster.members", "10.0.0.2")))
      .hasMessageContaining("set one");
    assertThat(ClusterSettings.from(k8s.copy().put("cluster.join.wait.seconds", 2)).hazelcastConfig()
      .getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("2");
    // TCP-IP knows its members: no wait
    assertThat(ClusterSettings.from(TaskflowConfig.defaults()).hazelcastConfig()
      .getProperty("hazelcast.wait.seconds.before.join")).isEqualTo("0");
  }

  @Test
  @DisplayName("members and a host join across machines, listening on that host")
  void members() {
    Config config = ClusterSettings.from(TaskflowConfig.defaults()
        .put("cluster.enabled", true)
        .put("cluster.name", "prod")
        .put("cluster.members", " 10.0.0.2:5701, ,10.0.0.3 ")
        .put("cluster.host", "10.0.0.1"))
      .hazelcastConfig();
    assertThat(config.getClusterName()).isEqualTo("prod");
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers())
      .containsExactly("10.0.0.2:5701", "10.0.0.3");
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.0.0.1");
  }

  @Test
  @DisplayName("a host without members: the processes on that address find each other there")
  void hostWithoutMembers() {
    ClusterSettings settings = ClusterSettings.from(new JsonObject().put("cluster.host", "192.168.1.20"));
    Config config = settings.hazelcastConfig();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("192.168.1.20");
    assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("192.168.1.20");
    assertThat(settings.toString()).contains("192.168.1.20:5701-5710");
  }

  @Test
  @DisplayName("members without a host leave the interface to Hazelcast")
  void membersWithoutHost() {
    Config config = ClusterSettings.from(new JsonObject().put("cluster.members", "taskflow-0.taskflow"))
      .hazelcastConfig();
    assertThat(config.getNetworkConfig().getInterfaces().isEnabled()).isFalse();
    assertThat(config.getProperty("hazelcast.socket.bind.any")).isNull();
  }

  @Test
  @DisplayName("a bad name, host or port fails the start with the key in the message")
  void refusesBadValues() {
    assertThatThrownBy(() -> ClusterSettings.from(new JsonObject().put("cluster.name", " ")))
      .hasMessageContaining("cluster.name");
    for (String host : new String[] {"eth0", "cafe", "1.2", "::1", "10.0.0.256"}) {
      assertThatThrownBy(() -> ClusterSettings.from(new JsonObject().put("cluster.host", host)))
        .hasMessageContaining("cluster.host must be an IPv4 address");
    }
    assertThatThrownBy(() -> ClusterSettings.from(new JsonObject().put("cluster.port", 70000)))
      .hasMessageContaining("cluster.port");
    assertThatThrownBy(() -> ClusterSettings.from(new JsonObject().put("cluster.eventbus.port", -1)))
      .hasMessageContaining("cluster.eventbus.port");
  }
}
