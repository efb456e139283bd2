package dev.taskflow.backbone;

import dev.taskflow.api.ApiVerticle;
import dev.taskflow.audit.AuditVerticle;
import dev.taskflow.audit.replay.AuditReplay;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.kafka.EmbeddedKafkaServer;
import dev.taskflow.core.kafka.KafkaSettings;
import dev.taskflow.core.kafka.KafkaTransport;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.core.transport.OutboxRecord;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event backbone end to end, in one JVM: the API writes tasks and their events to the outbox, the relay publishes
 * them to a real Kafka broker, the audit verticle consumes them into event_log, and the API reads the history back.
 */
@DisplayName("The event backbone on Kafka")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackboneTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  @RegisterExtension
  static TestDatabase replayDb = new TestDatabase();

  Path kafkaDir;
  int kafkaPort;
  EmbeddedKafkaServer kafka;
  Vertx vertx;
  JsonObject config;
  WebClient http;
  Pool sql;
  String auditDeployment;
  String token;
  UUID userId;

  @BeforeAll
  void start() throws Exception {
    kafkaDir = Files.createTempDirectory("taskflow-backbone-kafka-");
    kafkaPort = TestDatabase.freePort();
    kafka = EmbeddedKafkaServer.start(kafkaDir, kafkaPort);
    config = db.config()
      .put("transport", "kafka")
      .put("kafka.bootstrap", kafka.bootstrapServers())
      .put("kafka.topic.prefix", "bb" + UUID.randomUUID().toString().substring(0, 8) + ".")
      .put("consumer.retry.attempts", 3)
      .put("consumer.retry.initial.ms", 50L)
      .put("relay.max.backoff.ms", 500L);
    vertx = TaskflowVertx.create();
    auditDeployment = await(vertx.deployVerticle(new AuditVerticle(), options()));
    await(vertx.deployVerticle(new RelayVerticle(), options()));
    await(vertx.deployVerticle(new ApiVerticle(), options()));
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(config.getInteger("http.port")));
    sql = Database.pool(vertx, db.settings());
    JsonObject registered = send(HttpMethod.POST, "/api/v1/auth/register",
      new JsonObject().put("email", "backbone@example.com").put("password", "backbone password")).bodyAsJsonObject();
    token = registered.getString("token");
    userId = UUID.fromString(registered.getJsonObject("user").getString("id"));
  }

  @AfterAll
  void stop() {
    await(vertx.close());
    kafka.close();
  }

  private DeploymentOptions options() {
    return new DeploymentOptions().setConfig(config);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("Future failed or timed out", e);
    }
  }

  /** /health/ready answers 200 within a few seconds; else the failure says which check was down. */
  private void assertReady() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    HttpResponse<Buffer> ready = send(HttpMethod.GET, "/health/ready", null);
    while (ready.statusCode() != 200 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      ready = send(HttpMethod.GET, "/health/ready", null);
    }
    assertThat(ready.statusCode()).as("readiness: " + ready.bodyAsString()).isEqualTo(200);
  }

  private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not within 60 s: " + what);
      }
      Thread.sleep(50);
    }
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, JsonObject body) {
    var request = http.request(method, path);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  private long count(String query, Object... params) {
    return await(sql.preparedQuery(query).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  private long logged() {
    return count("SELECT count(*) FROM event_log WHERE user_id = $1", userId);
  }

  private long written() {
    return count("SELECT event_seq FROM users WHERE id = $1", userId);
  }

  private String topic(String name) {
    return config.getString("kafka.topic.prefix") + name;
  }

  /** Every record on a topic, from the start, with a plain Kafka consumer. */
  private List<ConsumerRecord<String, String>> readTopic(String name) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic(name), Duration.ofSeconds(10)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      var ends = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  @Test
  @Order(1)
  @DisplayName("create, update, complete and delete put four CloudEvents in order on task-events and in the history")
  void fourEventsInOrder() throws Exception {
    String id = send(HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "Backbone")).bodyAsJsonObject()
      .getString("id");
    send(HttpMethod.PATCH, "/api/v1/tasks/" + id, new JsonObject().put("title", "Backbone, renamed"));
    send(HttpMethod.POST, "/api/v1/tasks/" + id + "/complete", null);
    send(HttpMethod.DELETE, "/api/v1/tasks/" + id, null);

    List<String> expected = List.of(EventTypes.TASK_CREATED, EventTypes.TASK_UPDATED, EventTypes.TASK_COMPLETED,
      EventTypes.TASK_DELETED);
    eventually(() -> send(HttpMethod.GET, "/api/v1/tasks/" + id + "/events", null).statusCode() == 200
      && send(HttpMethod.GET, "/api/v1/tasks/" + id + "/events", null).bodyAsJsonObject().getJsonArray("items")
      .size() == 4, "four events in the history");
    JsonArray history = send(HttpMethod.GET, "/api/v1/tasks/" + id + "/events", null).bodyAsJsonObject()
      .getJsonArray("items");
    List<String> types = new ArrayList<>();
    history.forEach(e -> types.add(((JsonObject) e).getString("type")));
    assertThat(types).containsExactlyElementsOf(expected);

    List<JsonObject> onTopic = readTopic("task-events").stream()
      .filter(r -> r.key().equals(userId.toString()))
      .map(r -> new JsonObject(r.value()))
      .filter(e -> id.equals(e.getString("subject")))
      .toList();
    assertThat(onTopic).extracting(e -> e.getString("type")).containsExactlyElementsOf(expected);
    assertThat(onTopic).extracting(e -> e.getString("id"))
      .containsExactlyElementsOf(history.stream().map(e -> ((JsonObject) e).getString("id")).toList());
    assertThat(onTopic.get(0).getString("specversion")).isEqualTo("1.0");

    // another user sees none of it
    String saved = token;
    token = send(HttpMethod.POST, "/api/v1/auth/register", new JsonObject().put("email", "other@example.com")
      .put("password", "another password")).bodyAsJsonObject().getString("token");
    assertThat(send(HttpMethod.GET, "/api/v1/tasks/" + id + "/events", null).statusCode()).isEqualTo(404);
    assertThat(send(HttpMethod.GET, "/api/v1/events", null).bodyAsJsonObject().getJsonArray("items")).isEmpty();
    token = saved;
  }

  @Test
  @Order(2)
  @DisplayName("with the broker stopped, the API stays ready and 200 writes succeed; once it is back, every event "
    + "reaches event_log once")
  void brokerDown() throws Exception {
    eventually(() -> logged() == written(), "earlier events logged");
    long before = logged();
    // ready first: every consumer has joined its group (a consumer that never joined is rightly not ready)
    eventually(() -> send(HttpMethod.GET, "/health/ready", null).statusCode() == 200, "ready before the broker stops");
    kafka.close();
    eventually(() -> send(HttpMethod.GET, "/health/broker", null).statusCode() == 503, "the broker check reports it");
    // the outbox keeps the events: no reason to turn users away (a check may be slow while the broker in this JVM
    // shuts down; what matters is that the broker is not among them)
    assertReady();

    for (int i = 0; i < 200; i++) {
      assertThat(send(HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "While down " + i))
        .statusCode()).isEqualTo(201);
    }
    assertThat(count("SELECT count(*) FROM outbox WHERE published_at IS NULL")).isGreaterThanOrEqualTo(200);

    assertReady();
    kafka = EmbeddedKafkaServer.start(kafkaDir, kafkaPort);
    eventually(() -> logged() == before + 200, "the 200 events logged after the broker is back");
    assertThat(count("SELECT count(DISTINCT event_id) FROM event_log WHERE user_id = $1", userId))
      .isEqualTo(before + 200);
    assertThat(count("SELECT count(*) FROM event_log WHERE user_id = $1 AND type = 'taskflow.task.created' "
      + "AND event->'data'->'task'->>'title' LIKE 'While down %'", userId)).isEqualTo(200);
    eventually(() -> send(HttpMethod.GET, "/health/ready", null).statusCode() == 200, "ready again");
  }

  @Test
  @Order(3)
  @DisplayName("every event delivered three times leaves event_log and the consumer's records unchanged")
  void deliveredThreeTimes() throws Exception {
    eventually(() -> logged() == written(), "all events logged once");
    long logRows = count("SELECT count(*) FROM event_log");
    long processed = count("SELECT count(*) FROM processed_events WHERE consumer = 'audit'");
    List<OutboxRecord> records = new ArrayList<>();
    for (Row row : await(sql.preparedQuery("SELECT position, topic, event_key, event FROM outbox ORDER BY position")
      .execute())) {
      records.add(new OutboxRecord(row.getLong(0), row.getString(1), row.getString(2), row.getJsonObject(3)));
    }
    KafkaTransport again = KafkaTransport.create(vertx, KafkaSettings.from(config));
    await(again.publish(records));
    await(again.publish(records));
    // a fresh event after the repeats: once it is logged, the repeats before it have been consumed
    String marker = send(HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "marker"))
      .bodyAsJsonObject().getString("id");
    eventually(() -> count("SELECT count(*) FROM event_log WHERE subject = $1", marker) == 1, "the marker logged");
    await(again.close());

    assertThat(count("SELECT count(*) FROM event_log")).isEqualTo(logRows + 1);
    assertThat(count("SELECT count(*) FROM processed_events WHERE consumer = 'audit'")).isEqualTo(processed + 1);
  }

  @Test
  @Order(4)
  @DisplayName("a poison event goes to the DLQ after the retry budget, blocks nothing, and is not redelivered after a restart")
  void poison() throws Exception {
    eventually(() -> logged() == written(), "all events logged");
    // a well-formed event that reuses the user's sequence 1: event_log refuses it every time (UNIQUE user, sequence)
    TaskflowEvent poison = TaskflowEvent.create("test", EventTypes.TASK_CREATED, UUID.randomUUID().toString(), userId,
      1, null, new JsonObject().put("poison", true));
    KafkaTransport producer = KafkaTransport.create(vertx, KafkaSettings.from(config));
    await(producer.publish(List.of(OutboxRecord.of(poison))));
    String after = send(HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "after the poison"))
      .bodyAsJsonObject().getString("id");
    eventually(() -> count("SELECT count(*) FROM event_log WHERE subject = $1", after) == 1,
      "the event after the poison logged");
    eventually(() -> readTopic("task-events.dlq").stream().anyMatch(r -> r.value().contains(poison.id().toString())),
      "the poison on the DLQ");

    await(vertx.undeploy(auditDeployment));
    auditDeployment = await(vertx.deployVerticle(new AuditVerticle(), options()));
    String restarted = send(HttpMethod.POST, "/api/v1/tasks", new JsonObject().put("title", "after the restart"))
      .bodyAsJsonObject().getString("id");
    eventually(() -> count("SELECT count(*) FROM event_log WHERE subject = $1", restarted) == 1,
      "the event after the restart logged");
    await(producer.close());

    assertThat(count("SELECT count(*) FROM event_log WHERE event_id = $1", poison.id())).isZero();
    assertThat(readTopic("task-events.dlq").stream().filter(r -> r.value().contains(poison.id().toString())))
      .hasSize(1);
  }

  @Test
  @Order(5)
  @DisplayName("replaying the topics into an empty database gives an identical event_log")
  void replay() throws Exception {
    eventually(() -> logged() == written(), "all events logged");
    Pool target = Database.pool(vertx, replayDb.settings());
    AuditReplay.Result result = new AuditReplay(target, KafkaSettings.from(config)).run();
    assertThat(result.identical()).isTrue();
    String rows = """
      SELECT string_agg(event_id || '|' || user_id || '|' || sequence || '|' || type || '|' || coalesce(subject, '')
             || '|' || occurred_at || '|' || topic || '|' || event::text, E'\\n' ORDER BY event_id) FROM event_log""";
    String original = await(sql.query(rows).execute()).iterator().next().getString(0);
    String replayed = await(target.query(rows).execute()).iterator().next().getString(0);
    assertThat(replayed).isEqualTo(original);
    assertThat(result.appended()).isEqualTo(count("SELECT count(*) FROM event_log"));
    assertThat(result.rejected()).isEqualTo(1); // the poison event, refused as the live consumer refused it

    AuditReplay.Result again = new AuditReplay(target, KafkaSettings.from(config)).run();
    assertThat(again.appended()).isZero();
    assertThat(again.alreadyLogged()).isEqualTo(again.read() - again.rejected()); // every record, repeats included
    assertThat(again.identical()).isTrue();
    await(target.close());
  }

  @Test
  @Order(6)
  @DisplayName("the database refuses to change or delete event_log rows")
  void appendOnly() {
    assertThat(sql.query("UPDATE event_log SET type = 'x'").execute().toCompletionStage().toCompletableFuture())
      .failsWithin(Duration.ofSeconds(10)).withThrowableThat().withMessageContaining("append-only");
    assertThat(sql.query("DELETE FROM event_log").execute().toCompletionStage().toCompletableFuture())
      .failsWithin(Duration.ofSeconds(10)).withThrowableThat().withMessageContaining("append-only");
    assertThat(sql.query("TRUNCATE event_log").execute().toCompletionStage().toCompletableFuture())
      .failsWithin(Duration.ofSeconds(10)).withThrowableThat().withMessageContaining("append-only");
  }

  @Test
  @Order(7)
  @DisplayName("the history endpoint filters and pages by sequence")
  void historyQueries() {
    JsonObject first = send(HttpMethod.GET, "/api/v1/events?limit=2", null).bodyAsJsonObject();
    assertThat(first.getJsonArray("items")).hasSize(2);
    assertThat(first.getJsonArray("items").getJsonObject(0).getLong("sequence")).isEqualTo(1);
    JsonObject second = send(HttpMethod.GET, "/api/v1/events?limit=2&cursor=" + first.getString("nextCursor"), null)
      .bodyAsJsonObject();
    assertThat(second.getJsonArray("items").getJsonObject(0).getLong("sequence")).isEqualTo(3);
    JsonObject resumed = send(HttpMethod.GET, "/api/v1/events?afterSequence=4&limit=1", null).bodyAsJsonObject();
    assertThat(resumed.getJsonArray("items").getJsonObject(0).getLong("sequence")).isEqualTo(5);
    JsonObject completed = send(HttpMethod.GET, "/api/v1/events?type=taskflow.task.completed", null)
      .bodyAsJsonObject();
    assertThat(completed.getJsonArray("items")).hasSize(1);
    assertThat(send(HttpMethod.GET, "/api/v1/events?type=nope", null).statusCode()).isEqualTo(400);
    assertThat(send(HttpMethod.GET, "/api/v1/events?afterSequence=-1", null).statusCode()).isEqualTo(400);
    assertThat(send(HttpMethod.GET, "/api/v1/events?cursor=garbage", null).statusCode()).isEqualTo(400);
    assertThat(send(HttpMethod.GET, "/api/v1/events?from=yesterday", null).statusCode()).isEqualTo(400);
  }
}
