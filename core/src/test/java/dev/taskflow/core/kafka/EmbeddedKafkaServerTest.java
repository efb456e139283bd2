package dev.taskflow.core.kafka;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.transport.OutboxRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static dev.taskflow.core.kafka.TestKafka.await;
import static dev.taskflow.core.kafka.TestKafka.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The embedded Kafka broker")
class EmbeddedKafkaServerTest {

  @TempDir
  Path dataDir;

  @Test
  @DisplayName("keeps published events across a restart on the same data directory")
  void survivesRestart() {
    UUID user = UUID.randomUUID();
    List<TaskflowEvent> published = IntStream.rangeClosed(1, 3)
      .mapToObj(n -> TaskflowEvent.create("test", EventTypes.TASK_CREATED, "task-" + n, user, n, null,
        new JsonObject().put("n", n)))
      .toList();

    Vertx vertx = Vertx.vertx();
    try {
      try (EmbeddedKafkaServer broker = EmbeddedKafkaServer.start(dataDir, 0)) {
        assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
        KafkaTransport transport = KafkaTransport.create(vertx, settings(broker));
        await(transport.start());
        await(transport.publish(published.stream().map(OutboxRecord::of).toList()));
        await(transport.close());
      }

      try (EmbeddedKafkaServer broker = EmbeddedKafkaServer.start(dataDir, 0)) {
        KafkaTransport transport = KafkaTransport.create(vertx, settings(broker));
        await(transport.start());
        List<TaskflowEvent> received = new CopyOnWriteArrayList<>();
        await(transport.subscribe(Topics.TASK_EVENTS, "after-restart", event -> {
          received.add(event);
          return Future.succeededFuture();
        }));
        waitUntil("the events published before the restart", () -> received.size() >= 3);
        assertThat(received).containsExactlyElementsOf(published);
        await(transport.close());
      }
    } finally {
      await(vertx.close());
    }
  }

  @Test
  @DisplayName("keeps the laptop run's data under <data.dir>/kafka, which only its owner may enter")
  void dataUnderDataDir() throws Exception {
    // as a run before this was kept private left it
    Files.createDirectories(dataDir.resolve("kafka"));
    Files.setPosixFilePermissions(dataDir.resolve("kafka"), PosixFilePermissions.fromString("rwxr-xr-x"));
    try (EmbeddedKafkaServer broker = EmbeddedKafkaServer.start(new JsonObject().put("data.dir", dataDir.toString()))) {
      assertThat(broker.dataDir()).isEqualTo(dataDir.resolve("kafka").toAbsolutePath());
      assertThat(dataDir.resolve("kafka").resolve("meta.properties")).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("kafka"))))
        .isEqualTo("rwx------");
    }
  }

  private static KafkaSettings settings(EmbeddedKafkaServer broker) {
    return KafkaSettings.from(new JsonObject()).withBootstrap(broker.bootstrapServers());
  }
}
