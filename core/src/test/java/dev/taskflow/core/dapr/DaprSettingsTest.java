package dev.taskflow.core.dapr;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Dapr settings")
class DaprSettingsTest {

  @Test
  @DisplayName("by default: sidecar on 127.0.0.1:3500, pub/sub component 'pubsub', deliveries on 0.0.0.0:3601")
  void defaults() {
    DaprSettings settings = DaprSettings.from(new JsonObject(), Map.of());

    assertThat(settings.host()).isEqualTo("127.0.0.1");
    assertThat(settings.httpPort()).isEqualTo(3500);
    assertThat(settings.pubsub()).isEqualTo("pubsub");
    assertThat(settings.appHost()).isEqualTo("0.0.0.0");
    assertThat(settings.appPort()).isEqualTo(3601);
  }

  @Test
  @DisplayName("reads dapr.host, dapr.http.port, dapr.pubsub, dapr.app.host and dapr.app.port")
  void configured() {
    DaprSettings settings = DaprSettings.from(new JsonObject()
      .put("dapr.host", "localhost").put("dapr.http.port", 3511).put("dapr.pubsub", "kafka-pubsub")
      .put("dapr.app.host", "127.0.0.1").put("dapr.app.port", 8099), Map.of());

    assertThat(settings).isEqualTo(new DaprSettings("localhost", 3511, "kafka-pubsub", "127.0.0.1", 8099));
  }

  @Test
  @DisplayName("DAPR_HTTP_PORT, which the sidecar sets, overrides dapr.http.port")
  void sidecarPortFromEnvironment() {
    JsonObject config = new JsonObject().put("dapr.http.port", 3511);

    assertThat(DaprSettings.from(config, Map.of("DAPR_HTTP_PORT", "3777")).httpPort()).isEqualTo(3777);
    assertThat(DaprSettings.from(new JsonObject(), Map.of("DAPR_HTTP_PORT", " 3888 ")).httpPort()).isEqualTo(3888);
    assertThat(DaprSettings.from(config, Map.of("DAPR_HTTP_PORT", "")).httpPort()).isEqualTo(3511);
  }

  @Test
  @DisplayName("refuses a DAPR_HTTP_PORT that is not a port number, naming the variable")
  void invalidEnvironment() {
    assertThatThrownBy(() -> DaprSettings.from(new JsonObject(), Map.of("DAPR_HTTP_PORT", "abc")))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("DAPR_HTTP_PORT");
    assertThatThrownBy(() -> DaprSettings.from(new JsonObject(), Map.of("DAPR_HTTP_PORT", "70000")))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("dapr.http.port");
  }

  @Test
  @DisplayName("refuses an empty pub/sub component name")
  void emptyPubsub() {
    assertThatThrownBy(() -> DaprSettings.from(new JsonObject().put("dapr.pubsub", " "), Map.of()))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("dapr.pubsub");
  }
}
