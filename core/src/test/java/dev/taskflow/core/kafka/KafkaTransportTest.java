package dev.taskflow.core.kafka;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.transport.BatchEventHandler;
import dev.taskflow.core.transport.EventHandler;
import dev.taskflow.core.transport.OutboxRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.taskflow.core.kafka.TestKafka.await;
import static dev.taskflow.core.kafka.TestKafka.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The Kafka transport")
class KafkaTransportTest {

  @RegisterExtension
  static TestKafka kafka = new TestKafka();

  Vertx vertx;
  KafkaSettings settings;
  final List<KafkaTransport> transports = new ArrayList<>();
  final List<KafkaConsumer<String, String>> rawConsumers = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    // every test on its own topics; quick retries so a spent budget takes well under a second
    KafkaSettings isolated = kafka.isolated();
    settings = new KafkaSettings(isolated.bootstrap(), 0, isolated.topicPrefix(), 3, (short) 1, 4,
      Duration.ofMillis(20), Duration.ofMillis(100), 6000, "", Map.of());
  }

  @AfterEach
  void stop() {
    transports.forEach(transport -> await(transport.close()));
    rawConsumers.forEach(consumer -> await(consumer.close()));
    await(vertx.close());
  }

  private KafkaTransport transport() {
    KafkaTransport transport = KafkaTransport.create(vertx, settings);
    transports.add(transport);
    await(transport.start());
    return transport;
  }

  private static List<TaskflowEvent> events(UUID user, int firstSequence, int count) {
    return IntStream.range(firstSequence, firstSequence + count)
      .mapToObj(sequence -> TaskflowEvent.create("test", EventTypes.TASK_CREATED, "task-" + sequence, user, sequence,
        null, new JsonObject().put("n", sequence)))
      .toList();
  }

  private static List<OutboxRecord> records(List<TaskflowEvent> events) {
    return events.stream().map(OutboxRecord::of).toList();
  }

  /** A handler that keeps what it is given, in order. */
  private static EventHandler collectingInto(List<TaskflowEvent> received) {
    return event -> {
      received.add(event);
      return Future.succeededFuture();
    };
  }

  /** Reads a topic from the start as a fresh group, with the raw Kafka client: key, value and headers as stored. */
  private List<KafkaConsumerRecord<String, String>> readRaw(String topic) {
    List<KafkaConsumerRecord<String, String>> records = new CopyOnWriteArrayList<>();
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, Map.of(
      "bootstrap.servers", settings.bootstrap(),
      "group.id", "raw-" + UUID.randomUUID(),
      "auto.offset.reset", "earliest",
      "enable.auto.commit", "false"), String.class, String.class);
    rawConsumers.add(consumer);
    consumer.handler(records::add);
    await(consumer.subscribe(topic));
    return records;
  }

  @Test
  @DisplayName("delivers one user's four events to a consumer group in the order they were published")
  void deliversInOrder() {
    KafkaTransport transport = transport();
    UUID user = UUID.randomUUID();
    List<TaskflowEvent> published = events(user, 1, 4);
    List<TaskflowEvent> received = new CopyOnWriteArrayList<>();

    await(transport.subscribe(Topics.TASK_EVENTS, "order-test", collectingInto(received)));
    await(transport.publish(records(published)));

    waitUntil("four events", () -> received.size() >= 4);
    assertThat(received).containsExactlyElementsOf(published);
    assertThat(received).extracting(TaskflowEvent::sequence).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  @DisplayName("keys a record by the user id and labels it application/cloudevents+json")
  void keyAndContentType() {
    KafkaTransport transport = transport();
    TaskflowEvent event = events(UUID.randomUUID(), 1, 1).get(0);

    await(transport.publish(records(List.of(event))));

    List<KafkaConsumerRecord<String, String>> stored = readRaw(transport.topicName(Topics.TASK_EVENTS));
    waitUntil("the stored record", () -> !stored.isEmpty());
    KafkaConsumerRecord<String, String> record = stored.get(0);
    assertThat(record.key()).isEqualTo(event.userId().toString());
    assertThat(TaskflowEvent.fromJson(new JsonObject(record.value()))).isEqualTo(event);
    assertThat(record.headers())
      .anySatisfy(header -> {
        assertThat(header.key()).isEqualTo("content-type");
        assertThat(header.value().toString()).isEqualTo("application/cloudevents+json");
      });
  }

  @Test
  @DisplayName("retries a failing handler: fails twice, succeeds on the third delivery, and is not delivered again")
  void retriesThenCommits() {
    KafkaTransport first = transport();
    UUID user = UUID.randomUUID();
    TaskflowEvent event = events(user, 1, 1).get(0);
    AtomicInteger deliveries = new AtomicInteger();
    List<TaskflowEvent> handled = new CopyOnWriteArrayList<>();

    await(first.subscribe(Topics.TASK_EVENTS, "retry-test", delivered -> {
      if (deliveries.incrementAndGet() <= 2) {
        return Future.failedFuture("not yet");
      }
      handled.add(delivered);
      return Future.succeededFuture();
    }));
    await(first.publish(records(List.of(event))));

    waitUntil("the third delivery to succeed", () -> !handled.isEmpty());
    assertThat(handled).containsExactly(event);
    assertThat(deliveries).hasValue(3);
    await(first.close());

    // the same group again: the event's offset is committed, so only what comes next arrives
    KafkaTransport second = transport();
    List<TaskflowEvent> afterRestart = new CopyOnWriteArrayList<>();
    await(second.subscribe(Topics.TASK_EVENTS, "retry-test", collectingInto(afterRestart)));
    TaskflowEvent marker = events(user, 2, 1).get(0);
    await(second.publish(records(List.of(marker))));

    waitUntil("the marker event", () -> afterRestart.contains(marker));
    assertThat(afterRestart).containsExactly(marker);
    assertThat(deliveries).hasValue(3);
  }

  @Test
  @DisplayName("sends a poison event to <topic>.dlq after the retry budget, keeps delivering the rest, and never redelivers it")
  void poisonGoesToDeadLetter() {
    KafkaTransport first = transport();
    UUID user = UUID.randomUUID();
    List<TaskflowEvent> published = events(user, 1, 3);
    TaskflowEvent poison = published.get(0);
    AtomicInteger poisonDeliveries = new AtomicInteger();
    List<TaskflowEvent> handled = new CopyOnWriteArrayList<>();

    await(first.subscribe(Topics.TASK_EVENTS, "poison-test", event -> {
      if (event.id().equals(poison.id())) {
        poisonDeliveries.incrementAndGet();
        return Future.failedFuture(new IllegalStateException("poison"));
      }
      handled.add(event);
      return Future.succeededFuture();
    }));
    List<TaskflowEvent> deadLettered = new CopyOnWriteArrayList<>();
    await(first.subscribe(Topics.deadLetter(Topics.TASK_EVENTS), "dlq-reader", collectingInto(deadLettered)));
    await(first.publish(records(published)));

    waitUntil("the two good events", () -> handled.size() >= 2);
    assertThat(handled).containsExactlyElementsOf(published.subList(1, 3));
    assertThat(poisonDeliveries).hasValue(settings.retryAttempts());
    waitUntil("the poison event in the DLQ", () -> !deadLettered.isEmpty());
    assertThat(deadLettered).containsExactly(poison);
    List<KafkaConsumerRecord<String, String>> raw = readRaw(first.topicName(Topics.deadLetter(Topics.TASK_EVENTS)));
    waitUntil("the raw DLQ record", () -> !raw.isEmpty());
    assertThat(raw.get(0).key()).isEqualTo(user.toString());
    assertThat(raw.get(0).headers()).anySatisfy(header ->
      assertThat(header.key()).isEqualTo(KafkaTransport.DLQ_REASON_HEADER));
    await(first.close());

    KafkaTransport second = transport();
    List<TaskflowEvent> afterRestart = new CopyOnWriteArrayList<>();
    await(second.subscribe(Topics.TASK_EVENTS, "poison-test", collectingInto(afterRestart)));
    TaskflowEvent marker = events(user, 4, 1).get(0);
    await(second.publish(records(List.of(marker))));

    waitUntil("the marker event", () -> afterRestart.contains(marker));
    assertThat(afterRestart).containsExactly(marker);
  }

  @Test
  @DisplayName("retries a transiently failing handler (the database is away) far past the retry budget, never "
    + "dead-letters the event, keeps its partition's order, and lets the other partitions go on meanwhile")
  void transientFailureIsRetriedUntilItSucceeds() {
    KafkaTransport transport = transport();
    List<UUID> users = IntStream.range(0, 12).mapToObj(i -> UUID.randomUUID()).toList();
    UUID stuck = users.get(0);
    int failuresWanted = settings.retryAttempts() * 4;
    AtomicInteger failures = new AtomicInteger();
    List<TaskflowEvent> handled = new CopyOnWriteArrayList<>();
    List<TaskflowEvent> handledDuringOutage = new CopyOnWriteArrayList<>();
    await(transport.subscribe(Topics.TASK_EVENTS, "outage-test", event -> {
      if (event.userId().equals(stuck) && failures.get() < failuresWanted) {
        failures.incrementAndGet();
        return Future.failedFuture(new java.net.ConnectException("Connection refused: localhost/127.0.0.1:5432"));
      }
      if (failures.get() < failuresWanted) {
        handledDuringOutage.add(event);
      }
      handled.add(event);
      return Future.succeededFuture();
    }));
    List<TaskflowEvent> deadLettered = new CopyOnWriteArrayList<>();
    await(transport.subscribe(Topics.deadLetter(Topics.TASK_EVENTS), "dlq-reader", collectingInto(deadLettered)));
    List<TaskflowEvent> stuckEvents = events(stuck, 1, 3);
    List<TaskflowEvent> others = users.subList(1, users.size()).stream().map(user -> events(user, 1, 1).get(0))
      .toList();

    await(transport.publish(records(stuckEvents)));
    await(transport.publish(records(others)));

    waitUntil("every event handled", () -> handled.size() == stuckEvents.size() + others.size());
    assertThat(failures).hasValue(failuresWanted);
    assertThat(handled.stream().filter(event -> event.userId().equals(stuck))).containsExactlyElementsOf(stuckEvents);
    // with 11 other users on 3 partitions, some are on a partition the stuck user is not on
    assertThat(handledDuringOutage).isNotEmpty();
    assertThat(deadLettered).isEmpty();
  }

  @Test
  @DisplayName("with kafka.group.instance.id set, two consumers of one group in one process are distinct static members "
    + "and share the partitions (neither fences the other)")
  void staticMembersInOneProcess() {
    settings = new KafkaSettings(settings.bootstrap(), 0, settings.topicPrefix(), 3, (short) 1, 4,
      Duration.ofMillis(20), Duration.ofMillis(100), 6000, "test-pod-" + UUID.randomUUID(), Map.of());
    KafkaTransport one = transport();
    KafkaTransport two = transport();
    List<TaskflowEvent> byOne = new CopyOnWriteArrayList<>();
    List<TaskflowEvent> byTwo = new CopyOnWriteArrayList<>();
    await(one.subscribe(Topics.TASK_EVENTS, "static-test", collectingInto(byOne)));
    await(two.subscribe(Topics.TASK_EVENTS, "static-test", collectingInto(byTwo)));
    // the second member's first assignment comes with the rebalance that gives it its share
    waitUntil("both members joined", () -> dev.taskflow.core.management.ConsumerMembership.consumers(vertx).values()
      .stream().filter(joined -> joined).count() == 2);
    List<TaskflowEvent> published = IntStream.range(0, 30)
      .mapToObj(i -> events(UUID.randomUUID(), 1, 1).get(0)).toList();

    await(one.publish(records(published)));

    waitUntil("every event handled", () -> byOne.size() + byTwo.size() >= published.size());
    assertThat(Stream.concat(byOne.stream(), byTwo.stream())).containsExactlyInAnyOrderElementsOf(published);
    assertThat(byOne).isNotEmpty();
    assertThat(byTwo).isNotEmpty();
  }

  @Test
  @DisplayName("redrive-dlq puts a group's dead letters back on the topic once the cause is fixed: that group handles "
    + "them, another group's dead letters stay, and a second run puts nothing back twice")
  void redriveDeadLetters() throws Exception {
    KafkaTransport transport = transport();
    UUID user = UUID.randomUUID();
    TaskflowEvent poison = events(user, 1, 1).get(0);
    TaskflowEvent othersPoison = events(user, 2, 1).get(0);
    java.util.concurrent.atomic.AtomicBoolean fixed = new java.util.concurrent.atomic.AtomicBoolean();
    List<TaskflowEvent> handled = new CopyOnWriteArrayList<>();
    List<TaskflowEvent> deadLettered = new CopyOnWriteArrayList<>();
    await(transport.subscribe(Topics.TASK_EVENTS, "buggy", event -> {
      if (event.equals(poison) && !fixed.get()) {
        return Future.failedFuture(new IllegalStateException("a bug in the handler"));
      }
      handled.add(event);
      return Future.succeededFuture();
    }));
    await(transport.subscribe(Topics.TASK_EVENTS, "other", event -> event.equals(othersPoison)
      ? Future.failedFuture(new IllegalStateException("another group's bug"))
      : Future.succeededFuture()));
    await(transport.subscribe(Topics.deadLetter(Topics.TASK_EVENTS), "dlq-reader", collectingInto(deadLettered)));
    await(transport.publish(records(List.of(poison, othersPoison))));
    waitUntil("both dead letters", () -> deadLettered.size() == 2);
    assertThat(handled).containsExactly(othersPoison);

    fixed.set(true);
    DeadLetterRedrive.Result first = new DeadLetterRedrive(settings).run(List.of(Topics.TASK_EVENTS), "buggy", false);

    assertThat(first.redriven()).isEqualTo(1);
    waitUntil("the redriven event handled", () -> handled.contains(poison));
    assertThat(handled).containsExactly(othersPoison, poison);
    DeadLetterRedrive.Result second = new DeadLetterRedrive(settings).run(List.of(Topics.TASK_EVENTS), "buggy", false);
    assertThat(second.redriven()).isZero();
    assertThat(new DeadLetterRedrive(settings).run(List.of(Topics.TASK_EVENTS), "other", true).redriven())
      .isEqualTo(1);
  }

  @Test
  @DisplayName("a consumer counts as joined for readiness once its group gave it its partitions, and is gone when it "
    + "closes")
  void membershipForReadiness() {
    KafkaTransport transport = transport();
    List<TaskflowEvent> received = new CopyOnWriteArrayList<>();
    await(transport.subscribe(Topics.TASK_EVENTS, "membership-test", collectingInto(received)));
    TaskflowEvent event = events(UUID.randomUUID(), 1, 1).get(0);
    await(transport.publish(records(List.of(event))));
    waitUntil("the event", () -> received.contains(event));

    assertThat(dev.taskflow.core.management.ConsumerMembership.consumers(vertx)).hasSize(1)
      .allSatisfy((name, joined) -> {
        assertThat(name).startsWith("membership-test on " + transport.topicName(Topics.TASK_EVENTS));
        assertThat(joined).isTrue();
      });
    assertThat(dev.taskflow.core.management.ConsumerMembership.pending(vertx)).isEmpty();
    await(transport.close());
    transports.remove(transport);
    assertThat(dev.taskflow.core.management.ConsumerMembership.consumers(vertx)).isEmpty();
  }

  @Test
  @DisplayName("closing right after handling commits what was handled: the group's next consumer gets none of it again")
  void closeCommits() {
    KafkaTransport first = transport();
    UUID user = UUID.randomUUID();
    List<TaskflowEvent> published = events(user, 1, 3);
    List<TaskflowEvent> handled = new CopyOnWriteArrayList<>();
    await(first.subscribe(Topics.TASK_EVENTS, "close-test", collectingInto(handled)));
    await(first.publish(records(published)));
    waitUntil("three events", () -> handled.size() >= 3);
    // at once: the offsets are still waiting for the commit interval
    await(first.close());

    KafkaTransport second = transport();
    List<TaskflowEvent> afterRestart = new CopyOnWriteArrayList<>();
    await(second.subscribe(Topics.TASK_EVENTS, "close-test", collectingInto(afterRestart)));
    TaskflowEvent marker = events(user, 4, 1).get(0);
    await(second.publish(records(List.of(marker))));

    waitUntil("the marker event", () -> afterRestart.contains(marker));
    assertThat(afterRestart).containsExactly(marker);
  }

  @Test
  @DisplayName("hands a batch handler each partition's events in order, and on a poison event in a batch goes one by one")
  void batchesPerPartitionInOrder() {
    KafkaTransport transport = transport();
    List<UUID> users = IntStream.range(0, 12).mapToObj(i -> UUID.randomUUID()).toList();
    List<TaskflowEvent> published = new ArrayList<>();
    for (int sequence = 1; sequence <= 20; sequence++) {
      for (UUID user : users) {
        published.addAll(events(user, sequence, 1));
      }
    }
    TaskflowEvent poison = published.get(100);
    List<TaskflowEvent> handled = new CopyOnWriteArrayList<>();
    List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    AtomicInteger poisonDeliveries = new AtomicInteger();
    // all or nothing, like a batch in one database transaction
    BatchEventHandler handler = new BatchEventHandler() {
      @Override
      public Future<Void> handleBatch(List<TaskflowEvent> events) {
        if (events.contains(poison)) {
          return Future.failedFuture("a poison event in the batch");
        }
        batchSizes.add(events.size());
        handled.addAll(events);
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> handle(TaskflowEvent event) {
        if (event.equals(poison)) {
          poisonDeliveries.incrementAndGet();
          return Future.failedFuture("poison");
        }
        handled.add(event);
        return Future.succeededFuture();
      }
    };

    await(transport.publish(records(published)));
    await(transport.subscribe(Topics.TASK_EVENTS, "batch-test", handler));

    waitUntil("every good event", () -> handled.size() >= published.size() - 1);
    assertThat(handled).hasSize(published.size() - 1).doesNotContain(poison)
      .containsExactlyInAnyOrderElementsOf(published.stream().filter(event -> !event.equals(poison)).toList());
    for (UUID user : users) {
      assertThat(handled.stream().filter(event -> event.userId().equals(user)).map(TaskflowEvent::sequence).toList())
        .as("user %s's events in order", user).isSorted();
    }
    assertThat(batchSizes).as("events arrived in batches").anySatisfy(size -> assertThat(size).isGreaterThan(1));
    assertThat(poisonDeliveries).hasValue(settings.retryAttempts());
  }

  @Test
  @DisplayName("sends a value that is not a CloudEvent straight to the DLQ, unchanged, without calling the handler")
  void unparseableGoesToDeadLetter() {
    KafkaTransport transport = transport();
    UUID user = UUID.randomUUID();
    JsonObject garbage = new JsonObject().put("hello", "world");
    TaskflowEvent good = events(user, 1, 1).get(0);
    List<TaskflowEvent> handled = new CopyOnWriteArrayList<>();

    await(transport.subscribe(Topics.TASK_EVENTS, "garbage-test", collectingInto(handled)));
    await(transport.publish(List.of(new OutboxRecord(-1, Topics.TASK_EVENTS, user.toString(), garbage),
      OutboxRecord.of(good))));

    waitUntil("the good event", () -> !handled.isEmpty());
    assertThat(handled).containsExactly(good);
    List<KafkaConsumerRecord<String, String>> dead =
      readRaw(transport.topicName(Topics.deadLetter(Topics.TASK_EVENTS)));
    waitUntil("the DLQ record", () -> !dead.isEmpty());
    assertThat(dead).singleElement().satisfies(record -> {
      assertThat(record.key()).isEqualTo(user.toString());
      assertThat(new JsonObject(record.value())).isEqualTo(garbage);
    });
  }

  @Test
  @DisplayName("answers the health check while the broker is up")
  void check() {
    assertThat(await(transport().check())).isNull();
  }

  @Test
  @DisplayName("fails the health check within seconds when no broker answers")
  void checkFailsWithoutBroker() {
    int unused;
    try (var socket = new java.net.ServerSocket(0)) {
      unused = socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    KafkaTransport transport = KafkaTransport.create(vertx, settings.withBootstrap("127.0.0.1:" + unused));
    transports.add(transport);

    Throwable failure = await(transport.check().transform(result -> Future.succeededFuture(result.cause())));
    assertThat(failure).isNotNull();
  }

  @Test
  @DisplayName("the client settings of kafka.client.properties reach the clients: SASL against this plaintext broker "
    + "fails the health check, the same transport without them passes it")
  void clientSettingsAreUsed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path file = dir.resolve("client.properties");
    java.nio.file.Files.writeString(file, """
      security.protocol=SASL_PLAINTEXT
      sasl.mechanism=PLAIN
      sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
      """);
    JsonObject config = new JsonObject().put("kafka.bootstrap", settings.bootstrap())
      .put(KafkaSettings.CLIENT_KEY, KafkaSettings.readClientProperties(file));
    KafkaSettings secured = KafkaSettings.from(config);
    assertThat(secured.client()).containsEntry("security.protocol", "SASL_PLAINTEXT");
    KafkaTransport transport = KafkaTransport.create(vertx, secured);
    transports.add(transport);

    Throwable failure = await(transport.check().transform(result -> Future.succeededFuture(result.cause())));
    assertThat(failure).as("a SASL handshake with a plaintext listener").isNotNull();
    assertThat(await(transport().check())).isNull();
  }

  @Test
  @DisplayName("subscribing to a topic creates it and its dead-letter topic if they are missing")
  void subscribeCreatesTopics() {
    KafkaTransport transport = transport();
    List<TaskflowEvent> received = new CopyOnWriteArrayList<>();

    await(transport.subscribe("other-events", "creator", collectingInto(received)));

    TaskflowEvent event = events(UUID.randomUUID(), 1, 1).get(0);
    await(transport.publish(List.of(new OutboxRecord(-1, "other-events", event.userId().toString(), event.toJson()))));
    waitUntil("the event on the new topic", () -> !received.isEmpty());
    assertThat(received).containsExactly(event);
    KafkaAdminClient admin = KafkaAdminClient.create(vertx, Map.of("bootstrap.servers", settings.bootstrap()));
    try {
      assertThat(await(admin.listTopics()))
        .contains(transport.topicName("other-events"), transport.topicName("other-events.dlq"));
    } finally {
      await(admin.close());
    }
  }

  @Test
  @DisplayName("creating the topics twice is harmless")
  void ensureTopicsIsIdempotent() {
    KafkaTransport transport = transport();
    await(transport.start());
    await(transport.ensureTopics(List.of(Topics.TASK_EVENTS)));
  }
}
