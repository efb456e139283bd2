package dev.taskflow.core.kafka;

import dev.taskflow.core.config.TaskflowConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.taskflow.core.kafka.TestKafka.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Kafka settings")
class KafkaSettingsTest {

  @Test
  @DisplayName("by default: embedded broker on a free port, 3 partitions, 1 replica, 5 attempts backing off 100 ms to 5 s")
  void defaults() {
    KafkaSettings settings = KafkaSettings.from(TaskflowConfig.defaults());

    assertThat(settings.embedded()).isTrue();
    assertThat(settings.embeddedPort()).isZero();
    assertThat(settings.topicPrefix()).isEmpty();
    assertThat(settings.partitions()).isEqualTo(3);
    assertThat(settings.replicationFactor()).isEqualTo((short) 1);
    assertThat(settings.retryAttempts()).isEqualTo(5);
    assertThat(settings.retryInitial()).isEqualTo(Duration.ofMillis(100));
    assertThat(settings.retryMax()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  @DisplayName("reads TASKFLOW_KAFKA_BOOTSTRAP and TASKFLOW_CONSUMER_RETRY_ATTEMPTS from the environment")
  void environment() {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject config = await(TaskflowConfig.load(vertx, null, Map.of(
        "TASKFLOW_KAFKA_BOOTSTRAP", "kafka-0:9092,kafka-1:9092",
        "TASKFLOW_CONSUMER_RETRY_ATTEMPTS", "7")));
      KafkaSettings settings = KafkaSettings.from(config);

      assertThat(settings.embedded()).isFalse();
      assertThat(settings.bootstrap()).isEqualTo("kafka-0:9092,kafka-1:9092");
      assertThat(settings.retryAttempts()).isEqualTo(7);
    } finally {
      await(vertx.close());
    }
  }

  @Test
  @DisplayName("backs off 100, 200, 400 ms ... doubling up to the maximum")
  void backoff() {
    KafkaSettings settings = KafkaSettings.from(new JsonObject()
      .put("consumer.retry.initial.ms", 100).put("consumer.retry.max.ms", 1000).put("consumer.retry.attempts", 10));

    assertThat(settings.backoff(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(settings.backoff(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(settings.backoff(3)).isEqualTo(Duration.ofMillis(400));
    assertThat(settings.backoff(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(settings.backoff(5)).isEqualTo(Duration.ofMillis(1000));
    assertThat(settings.backoff(50)).isEqualTo(Duration.ofMillis(1000));
  }

  @Test
  @DisplayName("refuses a retry budget below one attempt")
  void invalid() {
    assertThatThrownBy(() -> KafkaSettings.from(new JsonObject().put("consumer.retry.attempts", 0)))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("consumer.retry.attempts");
  }
}
