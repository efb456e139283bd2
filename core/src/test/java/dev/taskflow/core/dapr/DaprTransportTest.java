package dev.taskflow.core.dapr;

import dev.taskflow.core.consumer.RetryPolicy;
import dev.taskflow.core.dapr.DaprSidecarEmulator.Message;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.transport.EventHandler;
import dev.taskflow.core.transport.OutboxRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The Dapr transport, against an emulated sidecar")
class DaprTransportTest {

  static final String TOPIC = Topics.TASK_EVENTS;
  static final String DLQ = Topics.deadLetter(Topics.TASK_EVENTS);

  Vertx vertx;
  DaprSidecarEmulator sidecar;
  DaprSettings settings;
  final List<DaprTransport> transports = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    // quick retries so a spent budget takes well under a second
    sidecar = new DaprSidecarEmulator(vertx, "pubsub").backoff(Duration.ofMillis(5), Duration.ofMillis(40));
    await(sidecar.start());
    settings = DaprSettings.from(new JsonObject()
      .put("dapr.app.host", "127.0.0.1")
      .put("dapr.app.port", 0), Map.of("DAPR_HTTP_PORT", Integer.toString(sidecar.port())));
  }

  @AfterEach
  void stop() {
    transports.forEach(transport -> await(transport.close()));
    await(sidecar.close());
    await(vertx.close());
  }

  private static final RetryPolicy RETRY = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(40));

  private DaprTransport transport(DaprSettings settings) {
    // quick retries in the app: a spent budget or a transient hold takes well under a second
    DaprTransport transport = DaprTransport.create(vertx, settings, RETRY);
    transports.add(transport);
    return transport;
  }

  /** The sidecar connects to the app once its subscriptions are in place, as daprd does at start-up. */
  private void connect(DaprTransport transport) {
    await(sidecar.connectApp("127.0.0.1", await(transport.appPort())));
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

  private static EventHandler collectingInto(List<TaskflowEvent> received) {
    return event -> {
      received.add(event);
      return Future.succeededFuture();
    };
  }

  private static List<TaskflowEvent> parsed(List<JsonObject> cloudEvents) {
    return cloudEvents.stream().map(TaskflowEvent::fromJson).toList();
  }

  @Test
  @DisplayName("publishes one user's four events as CloudEvents, in order, keyed by the user id")
  void publishesInOrder() {
    DaprTransport transport = transport(settings);
    UUID user = UUID.randomUUID();
    List<TaskflowEvent> published = events(user, 1, 4);

    await(transport.publish(records(published)));

    List<Message> stored = sidecar.messages(TOPIC);
    assertThat(stored).hasSize(4);
    assertThat(stored).allSatisfy(message -> {
      assertThat(message.contentType()).isEqualTo("application/cloudevents+json");
      assertThat(message.partitionKey()).isEqualTo(user.toString());
    });
    // passed through unchanged: the same CloudEvent comes back, whatever attributes Dapr added
    assertThat(parsed(sidecar.events(TOPIC))).containsExactlyElementsOf(published);
    assertThat(stored.get(0).event().getString("pubsubname")).isEqualTo("pubsub");
  }

  @Test
  @DisplayName("keeps each user's order when one batch interleaves several users")
  void keepsOrderPerKey() {
    DaprTransport transport = transport(settings);
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    List<TaskflowEvent> aliceEvents = events(alice, 1, 5);
    List<TaskflowEvent> bobEvents = events(bob, 1, 5);
    List<TaskflowEvent> batch = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      batch.add(aliceEvents.get(i));
      batch.add(bobEvents.get(i));
    }

    await(transport.publish(records(batch)));

    List<TaskflowEvent> stored = parsed(sidecar.events(TOPIC));
    assertThat(stored).hasSize(10);
    assertThat(stored.stream().filter(e -> e.userId().equals(alice)).toList()).containsExactlyElementsOf(aliceEvents);
    assertThat(stored.stream().filter(e -> e.userId().equals(bob)).toList()).containsExactlyElementsOf(bobEvents);
  }

  @Test
  @DisplayName("a subscriber receives one user's events in the order they were published")
  void deliversInOrder() {
    DaprTransport transport = transport(settings);
    List<TaskflowEvent> received = new CopyOnWriteArrayList<>();
    await(transport.subscribe(TOPIC, "order-test", collectingInto(received)));
    connect(transport);
    List<TaskflowEvent> published = events(UUID.randomUUID(), 1, 4);

    await(transport.publish(records(published)));

    waitUntil("four deliveries", () -> received.size() >= 4);
    assertThat(received).containsExactlyElementsOf(published);
    assertThat(received).extracting(TaskflowEvent::sequence).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  @DisplayName("serves one programmatic subscription per topic, with its route and <topic>.dlq, however many groups")
  void subscriptionList() {
    DaprTransport transport = transport(settings);
    await(transport.subscribe(TOPIC, "audit", collectingInto(new CopyOnWriteArrayList<>())));
    await(transport.subscribe(TOPIC, "notifier", collectingInto(new CopyOnWriteArrayList<>())));
    await(transport.subscribe(Topics.REMINDERS, "notifier", collectingInto(new CopyOnWriteArrayList<>())));

    connect(transport);

    assertThat(sidecar.appSubscriptions()).containsExactly(
      new JsonObject().put("pubsubname", "pubsub").put("topic", "task-events")
        .put("route", "/dapr/deliver/task-events").put("deadLetterTopic", "task-events.dlq"),
      new JsonObject().put("pubsubname", "pubsub").put("topic", "reminders")
        .put("route", "/dapr/deliver/reminders").put("deadLetterTopic", "reminders.dlq"));
  }

  @Test
  @DisplayName("a subscription made while the sidecar is already asking for the list is still in it")
  void subscriptionListWaitsForSubscriptionsToSettle() throws InterruptedException {
    DaprTransport transport = transport(settings);
    await(transport.subscribe(TOPIC, "audit", collectingInto(new CopyOnWriteArrayList<>())));
    int appPort = await(transport.appPort());
    await(sidecar.connectApp("127.0.0.1", appPort)); // warms the sidecar's connection to the app

    await(transport.subscribe(Topics.REMINDERS, "audit", collectingInto(new CopyOnWriteArrayList<>())));
    Future<Void> connected = sidecar.connectApp("127.0.0.1", appPort);
    Thread.sleep(50); // the sidecar's GET /dapr/subscribe has reached the app
    await(transport.subscribe(DLQ, "dlq-reader", collectingInto(new CopyOnWriteArrayList<>())));
    await(connected);

    assertThat(sidecar.appSubscriptions()).extracting(entry -> ((JsonObject) entry).getString("topic"))
      .containsExactly(TOPIC, Topics.REMINDERS, DLQ);
  }

  @Test
  @DisplayName("a handler that fails twice then succeeds is retried in the app: one delivery, not dead-lettered")
  void retriesThenSucceeds() {
    DaprTransport transport = transport(settings);
    AtomicInteger deliveries = new AtomicInteger();
    List<TaskflowEvent> handled = new CopyOnWriteArrayList<>();
    await(transport.subscribe(TOPIC, "retry-test", event -> {
      if (deliveries.incrementAndGet() <= 2) {
        return Future.failedFuture("not yet");
      }
      handled.add(event);
      return Future.succeededFuture();
    }));
    connect(transport);
    TaskflowEvent event = events(UUID.randomUUID(), 1, 1).get(0);
    TaskflowEvent next = events(event.userId(), 2, 1).get(0);

    await(transport.publish(records(List.of(event, next))));

    waitUntil("the next event after the retried one", () -> handled.contains(next));
    assertThat(handled).containsExactly(event, next);
    assertThat(deliveries).hasValue(4);
    assertThat(sidecar.attempts(TOPIC, event.id().toString())).isEqualTo(1);
    assertThat(sidecar.messages(DLQ)).isEmpty();
  }

  @Test
  @DisplayName("a handler that fails transiently (the database is away) is asked for again until it succeeds, never "
    + "dead-lettered, even with the sidecar's retries set to forever and the outage longer than the app's hold")
  void transientFailureIsRedeliveredUntilItSucceeds() {
    sidecar.retryBudget(-1);
    DaprTransport transport = transport(settings);
    AtomicInteger calls = new AtomicInteger();
    long[] outageUntil = {0};
    List<TaskflowEvent> handled = new CopyOnWriteArrayList<>();
    await(transport.subscribe(TOPIC, "outage", event -> {
      if (calls.incrementAndGet() == 1) {
        outageUntil[0] = System.nanoTime() + Duration.ofMillis(400).toNanos();
      }
      if (System.nanoTime() < outageUntil[0]) {
        return Future.failedFuture(new java.net.ConnectException("Connection refused: localhost/127.0.0.1:5432"));
      }
      handled.add(event);
      return Future.succeededFuture();
    }));
    connect(transport);
    TaskflowEvent event = events(UUID.randomUUID(), 1, 1).get(0);

    await(transport.publish(records(List.of(event))));

    waitUntil("the event after the outage", () -> handled.contains(event));
    // more calls than the budget of 4 would allow, and more than one delivery: the app held it, then asked again
    assertThat(calls.get()).isGreaterThan(RETRY.attempts());
    assertThat(sidecar.attempts(TOPIC, event.id().toString())).isGreaterThan(1);
    assertThat(sidecar.messages(DLQ)).isEmpty();
  }

  @Test
  @DisplayName("an event whose handler always fails is dropped after the app's retry budget and lands on <topic>.dlq; "
    + "later events still arrive")
  void poisonGoesToDeadLetter() {
    DaprTransport transport = transport(settings);
    List<TaskflowEvent> published = events(UUID.randomUUID(), 1, 3);
    TaskflowEvent poison = published.get(0);
    List<TaskflowEvent> handled = new CopyOnWriteArrayList<>();
    List<TaskflowEvent> deadLettered = new CopyOnWriteArrayList<>();
    await(transport.subscribe(TOPIC, "poison-test", event -> {
      if (event.id().equals(poison.id())) {
        return Future.failedFuture(new IllegalStateException("poison"));
      }
      handled.add(event);
      return Future.succeededFuture();
    }));
    await(transport.subscribe(DLQ, "dlq-reader", collectingInto(deadLettered)));
    connect(transport);

    await(transport.publish(records(published)));

    waitUntil("the two good events", () -> handled.size() >= 2);
    assertThat(handled).containsExactlyElementsOf(published.subList(1, 3));
    // one delivery, retried in the app, then DROP
    assertThat(sidecar.attempts(TOPIC, poison.id().toString())).isEqualTo(1);
    assertThat(sidecar.messages(DLQ)).singleElement().satisfies(message -> {
      assertThat(TaskflowEvent.fromJson(message.event())).isEqualTo(poison);
      assertThat(message.partitionKey()).isEqualTo(poison.userId().toString());
    });
    waitUntil("the poison event handed to the DLQ's subscriber", () -> !deadLettered.isEmpty());
    assertThat(deadLettered).containsExactly(poison);
  }

  @Test
  @DisplayName("a delivery that is not a Taskflow CloudEvent is answered DROP and dead-lettered at once")
  void malformedIsDropped() {
    DaprTransport transport = transport(settings);
    List<TaskflowEvent> handled = new CopyOnWriteArrayList<>();
    await(transport.subscribe(TOPIC, "drop-test", collectingInto(handled)));
    connect(transport);
    // published by someone else as plain JSON: Dapr wraps it in a CloudEvent that has no Taskflow extensions
    WebClient client = WebClient.create(vertx);
    HttpResponse<Buffer> response = await(client.post(sidecar.port(), "127.0.0.1", "/v1.0/publish/pubsub/" + TOPIC)
      .putHeader("Content-Type", "application/json")
      .sendJsonObject(new JsonObject().put("hello", "world")));
    assertThat(response.statusCode()).isEqualTo(204);
    TaskflowEvent good = events(UUID.randomUUID(), 1, 1).get(0);
    await(transport.publish(records(List.of(good))));

    waitUntil("the good event after the malformed one", () -> handled.contains(good));
    assertThat(handled).containsExactly(good);
    assertThat(sidecar.messages(DLQ)).singleElement().satisfies(message -> {
      assertThat(message.event().getString("type")).isEqualTo("com.dapr.event.sent");
      assertThat(message.event().getJsonObject("data")).isEqualTo(new JsonObject().put("hello", "world"));
      assertThat(sidecar.attempts(TOPIC, message.id())).isEqualTo(1);
    });
  }

  @Test
  @DisplayName("answers the sidecar SUCCESS, RETRY when a handler still fails transiently, DROP when it gave up on the "
    + "event and for a body that is not JSON")
  void answersTheSidecar() {
    DaprTransport transport = transport(settings);
    TaskflowEvent transientlyFailing = events(UUID.randomUUID(), 1, 1).get(0);
    TaskflowEvent failing = events(UUID.randomUUID(), 1, 1).get(0);
    TaskflowEvent fine = events(UUID.randomUUID(), 1, 1).get(0);
    await(transport.subscribe(TOPIC, "answers", event -> event.equals(failing)
      ? Future.failedFuture(new IllegalArgumentException("nope"))
      : event.equals(transientlyFailing)
      ? Future.failedFuture(io.vertx.sqlclient.ClosedConnectionException.INSTANCE)
      : Future.succeededFuture()));
    int appPort = await(transport.appPort());
    WebClient client = WebClient.create(vertx);

    assertThat(deliver(client, appPort, fine.toJson().toBuffer())).isEqualTo("SUCCESS");
    assertThat(deliver(client, appPort, transientlyFailing.toJson().toBuffer())).isEqualTo("RETRY");
    assertThat(deliver(client, appPort, failing.toJson().toBuffer())).isEqualTo("DROP");
    assertThat(deliver(client, appPort, Buffer.buffer("not json {"))).isEqualTo("DROP");
    // the sidecar's app health check
    assertThat(await(client.get(appPort, "127.0.0.1", DaprTransport.HEALTH_PATH).send()).statusCode()).isEqualTo(204);
    assertThat(deliver(client, appPort, Buffer.buffer(""))).isEqualTo("DROP");
  }

  private String deliver(WebClient client, int appPort, Buffer body) {
    HttpResponse<Buffer> response = await(client.post(appPort, "127.0.0.1", "/dapr/deliver/" + TOPIC)
      .putHeader("Content-Type", "application/cloudevents+json")
      .sendBuffer(body));
    assertThat(response.statusCode()).isEqualTo(200);
    return response.bodyAsJsonObject().getString("status");
  }

  @Test
  @DisplayName("every group in the process gets each event; when one still fails, Dapr redelivers to all of them")
  void groupsShareTheSubscription() {
    DaprTransport transport = transport(settings);
    List<TaskflowEvent> audit = new CopyOnWriteArrayList<>();
    List<TaskflowEvent> notifier = new CopyOnWriteArrayList<>();
    // longer than the app holds a transiently failing delivery (2 x 40 ms), shorter than a second redelivery
    long[] outageUntil = {0};
    await(transport.subscribe(TOPIC, "audit", collectingInto(audit)));
    await(transport.subscribe(TOPIC, "notifier", event -> {
      if (outageUntil[0] == 0) {
        outageUntil[0] = System.nanoTime() + Duration.ofMillis(120).toNanos();
      }
      if (System.nanoTime() < outageUntil[0]) {
        return Future.failedFuture(io.vertx.sqlclient.ClosedConnectionException.INSTANCE);
      }
      notifier.add(event);
      return Future.succeededFuture();
    }));
    connect(transport);
    TaskflowEvent event = events(UUID.randomUUID(), 1, 1).get(0);

    await(transport.publish(records(List.of(event))));

    waitUntil("the notifier to succeed", () -> !notifier.isEmpty());
    assertThat(notifier).containsExactly(event);
    // the audit group had succeeded the first time; its idempotent handler sees the event again
    assertThat(audit).containsExactly(event, event);
    assertThat(sidecar.attempts(TOPIC, event.id().toString())).isEqualTo(2);
  }

  @Test
  @DisplayName("at least once: when the sidecar redelivers everything, the subscriber sees the same events again in order")
  void atLeastOnce() {
    DaprTransport transport = transport(settings);
    List<TaskflowEvent> received = new CopyOnWriteArrayList<>();
    await(transport.subscribe(TOPIC, "again", collectingInto(received)));
    connect(transport);
    List<TaskflowEvent> published = events(UUID.randomUUID(), 1, 3);
    await(transport.publish(records(published)));
    waitUntil("three deliveries", () -> received.size() >= 3);

    sidecar.redeliverAll();

    waitUntil("six deliveries", () -> received.size() >= 6);
    List<TaskflowEvent> twice = new ArrayList<>(published);
    twice.addAll(published);
    assertThat(received).containsExactlyElementsOf(twice);
  }

  @Test
  @DisplayName("the transports of several verticles in one process share one delivery endpoint; each handler runs on its own context")
  void oneEndpointPerProcess() {
    DaprTransport audit = transport(settings);
    DaprTransport notifier = transport(settings);
    Context auditContext = vertx.getOrCreateContext();
    Context notifierContext = vertx.getOrCreateContext();
    List<TaskflowEvent> audited = new CopyOnWriteArrayList<>();
    List<TaskflowEvent> notified = new CopyOnWriteArrayList<>();
    List<Context> auditRanOn = new CopyOnWriteArrayList<>();
    List<Context> notifierRanOn = new CopyOnWriteArrayList<>();
    await(subscribeOn(auditContext, audit, TOPIC, "audit", event -> {
      auditRanOn.add(Vertx.currentContext());
      audited.add(event);
      return Future.succeededFuture();
    }));
    await(subscribeOn(notifierContext, notifier, Topics.REMINDERS, "notifier", event -> {
      notifierRanOn.add(Vertx.currentContext());
      notified.add(event);
      return Future.succeededFuture();
    }));
    assertThat(await(notifier.appPort())).isEqualTo(await(audit.appPort()));
    connect(audit);
    assertThat(sidecar.appSubscriptions()).extracting(entry -> ((JsonObject) entry).getString("topic"))
      .containsExactly(TOPIC, Topics.REMINDERS);
    UUID user = UUID.randomUUID();
    TaskflowEvent task = events(user, 1, 1).get(0);
    TaskflowEvent reminder = TaskflowEvent.create("test", EventTypes.REMINDER_TRIGGERED, "task-1", user, 2, null,
      new JsonObject());

    await(audit.publish(records(List.of(task, reminder))));

    waitUntil("both deliveries", () -> !audited.isEmpty() && !notified.isEmpty());
    assertThat(audited).containsExactly(task);
    assertThat(notified).containsExactly(reminder);
    assertThat(auditRanOn).containsOnly(auditContext);
    assertThat(notifierRanOn).containsOnly(notifierContext);

    // one verticle stops: the other one's deliveries go on through the same endpoint
    await(audit.close());
    TaskflowEvent later = TaskflowEvent.create("test", EventTypes.REMINDER_TRIGGERED, "task-1", user, 3, null,
      new JsonObject());
    await(notifier.publish(records(List.of(later))));
    waitUntil("the later reminder", () -> notified.contains(later));
  }

  @Test
  @DisplayName("asks for a retry, not a drop, when a topic has no handler in the process (a subscriber that stopped)")
  void noHandlerIsRetried() {
    DaprTransport transport = transport(settings);
    await(transport.subscribe(Topics.REMINDERS, "notifier", collectingInto(new CopyOnWriteArrayList<>())));

    String status = deliver(WebClient.create(vertx), await(transport.appPort()),
      events(UUID.randomUUID(), 1, 1).get(0).toJson().toBuffer());

    assertThat(status).isEqualTo("RETRY");
  }

  private static Future<Void> subscribeOn(Context context, DaprTransport transport, String topic, String group,
                                          EventHandler handler) {
    Promise<Void> subscribed = Promise.promise();
    context.runOnContext(v -> transport.subscribe(topic, group, handler).onComplete(subscribed));
    return subscribed.future();
  }

  @Test
  @DisplayName("publishing while the sidecar is down fails, so the outbox keeps the rows; it works again once it is up")
  void sidecarDown() {
    DaprTransport transport = transport(settings);
    List<TaskflowEvent> received = new CopyOnWriteArrayList<>();
    await(transport.subscribe(TOPIC, "down-test", collectingInto(received)));
    connect(transport);
    List<TaskflowEvent> published = events(UUID.randomUUID(), 1, 2);
    await(sidecar.stop());

    assertThat(failureOf(transport.publish(records(published)))).hasMessageContaining("Connection refused");
    assertThat(sidecar.messages(TOPIC)).isEmpty();

    await(sidecar.start());
    await(transport.publish(records(published)));

    waitUntil("both events delivered", () -> received.size() >= 2);
    assertThat(received).containsExactlyElementsOf(published);
  }

  @Test
  @DisplayName("check() succeeds while the sidecar answers and fails while it is down")
  void check() {
    DaprTransport transport = transport(settings);

    await(transport.check());
    await(sidecar.stop());
    assertThat(failureOf(transport.check())).isNotNull();
    await(sidecar.start());
    await(transport.check());
  }

  @Test
  @DisplayName("a publish the sidecar refuses fails with its HTTP status and body")
  void refusedPublish() {
    DaprTransport transport = transport(new DaprSettings("127.0.0.1", sidecar.port(), "no-such-pubsub", "127.0.0.1", 0));

    Throwable failure = failureOf(transport.publish(records(events(UUID.randomUUID(), 1, 1))));

    assertThat(failure).isInstanceOf(DaprTransport.DaprException.class)
      .hasMessageContaining("404")
      .hasMessageContaining("ERR_PUBSUB_NOT_FOUND");
    assertThat(((DaprTransport.DaprException) failure).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("DAPR_HTTP_PORT decides which sidecar port the transport talks to")
  void sidecarPortFromEnvironment() {
    JsonObject config = new JsonObject().put("dapr.http.port", 1);
    DaprTransport transport = transport(DaprSettings.from(config,
      Map.of("DAPR_HTTP_PORT", Integer.toString(sidecar.port()))));

    await(transport.check());
    await(transport.publish(records(events(UUID.randomUUID(), 1, 1))));

    assertThat(sidecar.messages(TOPIC)).hasSize(1);
  }

  // ---------------------------------------------------------------- waiting on the test thread

  /** Waits on the test thread for a future (never on an event loop), at most 30 s. */
  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("Future failed or timed out", e);
    }
  }

  /** The failure of a future that must fail, waited for on the test thread. */
  static Throwable failureOf(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("Future did not complete", e);
    }
    throw new AssertionError("Future succeeded, expected a failure");
  }

  /** Polls {@code condition} until it holds, for at most 30 s; fails with {@code what} otherwise. */
  static void waitUntil(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Gave up after 30 s waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("Interrupted waiting for " + what, e);
      }
    }
  }
}
