package dev.taskflow.core.runtime;

import dev.taskflow.core.testing.NetworkNamespace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hazelcast's Kubernetes discovery as a pod sees it, without Kubernetes: three member processes in a network namespace
 * of their own ({@code unshare -n}, so ports 5701 and 5801 are theirs alone), each on a loopback alias of its own
 * (127.0.0.2-4, the pod IPs), with {@code -Djdk.net.hosts.file} answering the headless Service's DNS name with all
 * three addresses, as cluster DNS does with {@code publishNotReadyAddresses}. Configured only through the
 * {@code TASKFLOW_*} variables the chart sets. Needs root (as CI has) for the namespace.
 */
@DisplayName("Kubernetes discovery (DNS mode) in a network namespace")
class KubernetesDiscoveryTest {

  private static final String SERVICE = "taskflow-cluster.taskflow.svc.cluster.local";
  private static final List<String> MEMBERS = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");

  @BeforeAll
  static void canUnshare() throws Exception {
    NetworkNamespace.assumeAvailable();
  }

  @Test
  @DisplayName("three members started together find each other through the Service name, form one cluster and "
    + "exchange event-bus messages")
  void oneCluster(@TempDir Path dir) throws Exception {
    List<String> logs = run(dir, false);
    for (int i = 0; i < MEMBERS.size(); i++) {
      String log = logs.get(i);
      assertThat(log).as("member %d's output", i).contains("MEMBERS 3");
      for (int other = 0; other < MEMBERS.size(); other++) {
        if (other != i) {
          assertThat(log).contains("PONG m" + other);
        }
      }
    }
  }

  @Test
  @DisplayName("regression: with no wait before the join, members started together each form a cluster of their own")
  void withoutWaitTheyDoNot(@TempDir Path dir) throws Exception {
    List<String> logs = run(dir, true);
    assertThat(logs).as("some member alone").anyMatch(log -> log.contains("ALONE"));
  }

  /** Starts the three members at once in one new network namespace; answers each one's output. */
  private List<String> run(Path dir, boolean joinWaitZero) throws IOException, InterruptedException {
    Path hosts = dir.resolve("hosts");
    StringBuilder entries = new StringBuilder("127.0.0.1 localhost\n");
    MEMBERS.forEach(address -> entries.append(address).append(' ').append(SERVICE).append('\n'));
    Files.writeString(hosts, entries);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cluster = "discovery-" + UUID.randomUUID();
    StringBuilder script = new StringBuilder();
    for (int i = 0; i < MEMBERS.size(); i++) {
      List<String> others = new ArrayList<>();
      for (int j = 0; j < MEMBERS.size(); j++) {
        if (j != i) {
          others.add("m" + j);
        }
      }
      script.append("TASKFLOW_CLUSTER_ENABLED=true TASKFLOW_CLUSTER_NAME=").append(cluster)
        .append(" TASKFLOW_CLUSTER_HOST=").append(MEMBERS.get(i))
        .append(" TASKFLOW_CLUSTER_KUBERNETES_SERVICE_DNS=").append(SERVICE)
        .append(" TASKFLOW_CLUSTER_PORT=5701 TASKFLOW_CLUSTER_EVENTBUS_PORT=5801 ")
        .append(java).append(" -Xmx256m -Djdk.net.hosts.file=").append(hosts)
        .append(" -cp '").append(System.getProperty("java.class.path")).append("' ")
        .append(ClusterProbe.class.getName()).append(" m").append(i).append(" 3 ").append(String.join(" ", others))
        .append(joinWaitZero ? " --join-wait-zero" : "")
        .append(" > ").append(dir.resolve("m" + i + ".log")).append(" 2>&1 &\n");
    }
    script.append("wait\n");
    Process namespace = NetworkNamespace.start(MEMBERS, script.toString(), dir.resolve("unshare.log"));
    assertThat(namespace.waitFor(120, TimeUnit.SECONDS)).as("the members finished within 120 s").isTrue();
    List<String> logs = new ArrayList<>();
    for (int i = 0; i < MEMBERS.size(); i++) {
      logs.add(Files.readString(dir.resolve("m" + i + ".log")));
    }
    return logs;
  }
}
