package dev.taskflow.core.kafka;

import dev.taskflow.core.config.TaskflowConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Gives a test class its own Kafka topics and groups. One embedded broker serves the whole test JVM (started on first
 * use, stopped by a shutdown hook); each test class that registers this extension gets a unique topic prefix, and
 * {@link #isolated()} hands out a fresh one for a test that must not see its neighbours' records.
 *
 * <pre>{@code @RegisterExtension static TestKafka kafka = new TestKafka();}</pre>
 */
public final class TestKafka implements BeforeAllCallback {

  private static EmbeddedKafkaServer server;

  private String prefix = newPrefix();

  /** The broker of this test JVM. */
  public static synchronized EmbeddedKafkaServer server() {
    if (server == null) {
      server = EmbeddedKafkaServer.temporary();
      EmbeddedKafkaServer started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "embedded-kafka-stop"));
    }
    return server;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    prefix = newPrefix();
    server();
  }

  /** The defaults, this broker, and this class's topic prefix. */
  public KafkaSettings settings() {
    return KafkaSettings.from(config());
  }

  /** Settings with a topic prefix no other test uses. */
  public KafkaSettings isolated() {
    return settings().withTopicPrefix(newPrefix());
  }

  /** The configuration keys a verticle under test needs to use this broker, on top of the defaults. */
  public JsonObject config() {
    return TaskflowConfig.defaults()
      .put("transport", "kafka")
      .put("kafka.bootstrap", server().bootstrapServers())
      .put("kafka.topic.prefix", prefix);
  }

  /** A consumer group name unique to this class. */
  public String group(String name) {
    return prefix + name;
  }

  private static String newPrefix() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT) + ".";
  }

  /** Waits on the test thread for a future (never on an event loop). */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("Future failed or timed out", e);
    }
  }

  /** Polls {@code condition} until it holds, for at most 30 s; fails with {@code what} otherwise. */
  public static void waitUntil(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Gave up after 30 s waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted waiting for " + what, e);
      }
    }
  }
}
