package dev.taskflow.launcher;

import dev.taskflow.core.config.TaskflowConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The port check before the start")
class PortsTest {

  @Test
  @DisplayName("names the setting and its variable of a port that is taken")
  void namesTheSetting() throws Exception {
    try (ServerSocket taken = bound()) {
      int port = taken.getLocalPort();
      assertRefused(TaskflowConfig.defaults().put("http.port", port), List.of("api"),
        "http.port (TASKFLOW_HTTP_PORT) " + port + " on 0.0.0.0 is in use");
      assertRefused(TaskflowConfig.defaults().put("db.embedded.port", port), List.of(),
        "db.embedded.port (TASKFLOW_DB_EMBEDDED_PORT) " + port + " on 127.0.0.1 is in use");
      assertRefused(TaskflowConfig.defaults().put("kafka.embedded.port", port), List.of(),
        "kafka.embedded.port (TASKFLOW_KAFKA_EMBEDDED_PORT) " + port + " on 127.0.0.1 is in use");
      assertRefused(TaskflowConfig.defaults().put("transport", "dapr").put("dapr.app.port", port), List.of(),
        "dapr.app.port (TASKFLOW_DAPR_APP_PORT) " + port + " on 0.0.0.0 is in use");
      assertRefused(TaskflowConfig.defaults().put("cluster.enabled", true).put("cluster.eventbus.port", port),
        List.of(), "cluster.eventbus.port (TASKFLOW_CLUSTER_EVENTBUS_PORT) " + port);
      // every process that serves has a management server
      assertRefused(TaskflowConfig.defaults().put("management.port", port), List.of("audit"),
        "management.port (TASKFLOW_MANAGEMENT_PORT) " + port + " on 127.0.0.1 is in use");
    }
  }

  @Test
  @DisplayName("checks only the ports this process listens on")
  void onlyThisProcesssPorts() throws Exception {
    try (ServerSocket taken = bound()) {
      int port = taken.getLocalPort();
      // no API verticle here; an external database and broker; another transport
      assertThatCode(() -> Ports.requireFree(TaskflowConfig.defaults().put("http.port", port)
        .put("management.port", 0), List.of("audit"))).doesNotThrowAnyException();
      assertThatCode(() -> Ports.requireFree(TaskflowConfig.defaults().put("db.embedded.port", port)
        .put("db.url", "postgresql://u:p@127.0.0.1:5432/db"), List.of())).doesNotThrowAnyException();
      assertThatCode(() -> Ports.requireFree(TaskflowConfig.defaults().put("kafka.embedded.port", port)
        .put("transport", "eventbus"), List.of())).doesNotThrowAnyException();
      assertThatCode(() -> Ports.requireFree(TaskflowConfig.defaults().put("dapr.app.port", port), List.of()))
        .doesNotThrowAnyException();
    }
  }

  @Test
  @DisplayName("lets the cluster's first port be taken, as Hazelcast then takes the next free one of its range")
  void clusterRange() throws Exception {
    try (ServerSocket first = bound()) {
      int port = first.getLocalPort();
      JsonObject config = TaskflowConfig.defaults().put("cluster.enabled", true).put("cluster.port", port);
      assertThatCode(() -> Ports.requireFree(config, List.of())).doesNotThrowAnyException();
    }
  }

  private static void assertRefused(JsonObject config, List<String> verticles, String message) {
    assertThatThrownBy(() -> Ports.requireFree(config, verticles))
      .isInstanceOfSatisfying(StartRefused.class, e -> assertThat(e.exitCode()).isEqualTo(StartRefused.PORT_IN_USE))
      .hasMessageContaining(message);
  }

  private static ServerSocket bound() throws Exception {
    ServerSocket socket = new ServerSocket();
    socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
    return socket;
  }
}
