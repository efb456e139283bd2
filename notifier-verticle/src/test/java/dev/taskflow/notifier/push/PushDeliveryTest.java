package dev.taskflow.notifier.push;

import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.push.VapidKeys;
import dev.taskflow.core.tasks.Task;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.core.transport.EventPublisher;
import dev.taskflow.core.transport.OutboxRecord;
import dev.taskflow.core.transport.Transports;
import dev.taskflow.notifier.NotifierFixture;
import dev.taskflow.notifier.NotifierVerticle;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static dev.taskflow.core.kafka.TestKafka.await;
import static dev.taskflow.core.kafka.TestKafka.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Web Push end to end in one process, with no browser tab open: a reminder comes due, the notifier fires it, its
 * consumer queues one push per device of the user, and the dispatcher sends each, encrypted and VAPID-signed, to a
 * local push service ({@link PushServiceStandIn}) that checks the signature and decrypts the body as a browser's push
 * service and browser would. The stand-in is on 127.0.0.1 over http, so this notifier lists it in
 * {@code push.insecure.hosts}.
 */
@DisplayName("Web Push deliveries")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushDeliveryTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  NotifierFixture fixture;
  PushServiceStandIn pushService;
  VapidKeys vapid;

  @BeforeAll
  void start() {
    fixture = new NotifierFixture(db, new JsonObject()
      .put("push.insecure.hosts", "127.0.0.1")
      .put("push.attempts", 3)
      .put("push.backoff.initial.ms", 100L)
      .put("push.backoff.max.ms", 400L));
    // the key the notifier will find in the data directory, as the API answers it to browsers
    vapid = VapidKeys.loadOrCreate(Path.of(fixture.config.getString("data.dir")));
    pushService = new PushServiceStandIn(fixture.vertx);
    fixture.deploy(new RelayVerticle());
    fixture.deploy(new NotifierVerticle());
  }

  @AfterAll
  void stop() {
    pushService.close();
    fixture.close();
  }

  private UUID subscribe(UUID user, PushServiceStandIn.Device device) {
    UUID id = UUID.randomUUID();
    fixture.query("INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4, $5)",
      id, user, device.endpoint(), device.p256dh(), device.authSecret());
    return id;
  }

  /** A reminder of a new task of the user, due now: the notifier fires it at once. */
  private UUID remindNow(UUID user, String title) {
    OffsetDateTime now = fixture.dbNow();
    Task task = fixture.task(user, now.plusHours(1), "Europe/Berlin");
    fixture.query("UPDATE tasks SET title = $2 WHERE id = $1", task.id(), title);
    return fixture.reminderAt(task, now);
  }

  private List<Row> deliveries(UUID subscription) {
    return fixture.query("SELECT * FROM push_deliveries WHERE subscription_id = $1", subscription).stream().toList();
  }

  private String finalState(UUID subscription) {
    waitUntil("the push delivery to finish", () -> fixture.count("SELECT count(*) FROM push_deliveries "
      + "WHERE subscription_id = $1 AND state <> 'pending'", subscription) == 1);
    return deliveries(subscription).get(0).getString("state");
  }

  @Test
  @DisplayName("a fired reminder reaches each of the user's two devices once, decrypted by each, and a redelivered "
    + "event or a second event for the same firing pushes nothing more")
  void oncePerDevice() {
    UUID user = fixture.user();
    PushServiceStandIn.Device phone = pushService.subscribe(vapid.publicKeyBase64Url());
    PushServiceStandIn.Device laptop = pushService.subscribe(vapid.publicKeyBase64Url());
    UUID phoneSubscription = subscribe(user, phone);
    UUID laptopSubscription = subscribe(user, laptop);
    UUID otherUsersDevice = subscribe(fixture.user(), pushService.subscribe(vapid.publicKeyBase64Url()));

    UUID reminder = remindNow(user, "Call the dentist");

    assertThat(finalState(phoneSubscription)).as(deliveries(phoneSubscription).get(0).getString("last_error"))
      .isEqualTo("delivered");
    assertThat(finalState(laptopSubscription)).isEqualTo("delivered");
    for (PushServiceStandIn.Device device : List.of(phone, laptop)) {
      assertThat(device.received).singleElement().satisfies(payload -> {
        assertThat(payload.getString("reminderId")).isEqualTo(reminder.toString());
        assertThat(payload.getString("title")).isEqualTo("Call the dentist");
        assertThat(payload.getString("taskId")).isNotBlank();
        assertThat(payload.getString("dueAt")).isNotBlank();
      });
      assertThat(device.headers).singleElement().satisfies(headers -> {
        assertThat(headers.get("Urgency")).isEqualTo("high");
        assertThat(headers.get("TTL")).isEqualTo("86400");
        assertThat(Integer.parseInt(headers.get("Content-Length"))).isLessThan(3072);
      });
    }
    assertThat(deliveries(otherUsersDevice)).as("another user's device").isEmpty();

    // the same event again (a broker redelivers), and another event for the same firing
    JsonObject fired = fixture.triggered(reminder).iterator().next().getJsonObject("event");
    EventPublisher publisher = await(Transports.publisher(fixture.vertx, fixture.config));
    await(publisher.publish(List.of(OutboxRecord.of(TaskflowEvent.fromJson(fired)),
      OutboxRecord.of(TaskflowEvent.fromJson(fired.copy().put("id", UUID.randomUUID().toString()))))));
    // a later reminder, published after them on the same key: once it is pushed, they have been consumed
    UUID later = remindNow(user, "After the duplicates");
    waitUntil("the later reminder to be pushed to both devices", () -> phone.received.size() == 2
      && laptop.received.size() == 2);
    await(publisher.close());

    assertThat(phone.received).extracting(p -> p.getString("reminderId"))
      .containsExactly(reminder.toString(), later.toString());
    assertThat(laptop.received).extracting(p -> p.getString("reminderId"))
      .containsExactly(reminder.toString(), later.toString());
    assertThat(deliveries(phoneSubscription)).hasSize(2);
    assertThat(pushService.refusals).isEmpty();
  }

  @Test
  @DisplayName("a push whose VAPID signature does not verify is refused by the push service (403), and the delivery "
    + "fails without retries")
  void tamperedSignature() {
    UUID user = fixture.user();
    PushServiceStandIn.Device device = pushService.subscribe(vapid.publicKeyBase64Url());
    UUID subscription = subscribe(user, device);
    pushService.tamperSignatures = true;
    try {
      remindNow(user, "Tampered");
      assertThat(finalState(subscription)).isEqualTo("failed");
    } finally {
      pushService.tamperSignatures = false;
    }
    Row delivery = deliveries(subscription).get(0);
    assertThat(delivery.getInteger("last_status")).isEqualTo(403);
    assertThat(delivery.getInteger("attempts")).isEqualTo(1);
    assertThat(device.received).isEmpty();
    assertThat(pushService.refusals).contains("the VAPID signature does not verify");
    pushService.refusals.clear();
  }

  @Test
  @DisplayName("a subscription made with another application server key is refused (403), not retried")
  void otherKey() {
    UUID user = fixture.user();
    PushServiceStandIn.Device device = pushService.subscribe(VapidKeys.generate().publicKeyBase64Url());
    UUID subscription = subscribe(user, device);

    remindNow(user, "Wrong key");

    assertThat(finalState(subscription)).isEqualTo("failed");
    assertThat(deliveries(subscription).get(0).getInteger("last_status")).isEqualTo(403);
    assertThat(pushService.refusals).contains("k= is not the key the subscription was made with");
    pushService.refusals.clear();
  }

  @Test
  @DisplayName("a 410 from the push service deletes the subscription, and the user's other device still gets it")
  void gone() {
    UUID user = fixture.user();
    PushServiceStandIn.Device gone = pushService.subscribe(vapid.publicKeyBase64Url());
    gone.answer = 410;
    PushServiceStandIn.Device kept = pushService.subscribe(vapid.publicKeyBase64Url());
    UUID goneSubscription = subscribe(user, gone);
    UUID keptSubscription = subscribe(user, kept);

    remindNow(user, "One device left");

    waitUntil("the gone subscription to be deleted",
      () -> fixture.count("SELECT count(*) FROM push_subscriptions WHERE id = $1", goneSubscription) == 0);
    assertThat(finalState(keptSubscription)).isEqualTo("delivered");
    assertThat(kept.received).hasSize(1);
  }

  @Test
  @DisplayName("a 503 is retried with backoff and delivered when the push service answers 201")
  void retried() {
    UUID user = fixture.user();
    PushServiceStandIn.Device device = pushService.subscribe(vapid.publicKeyBase64Url());
    device.answer = 503;
    UUID subscription = subscribe(user, device);

    remindNow(user, "Retry me");
    waitUntil("a first attempt", () -> fixture.count("SELECT count(*) FROM push_deliveries WHERE subscription_id = $1 "
      + "AND attempts >= 1 AND last_status = 503", subscription) == 1);
    device.answer = 201;

    assertThat(finalState(subscription)).isEqualTo("delivered");
    assertThat(deliveries(subscription).get(0).getInteger("attempts")).isGreaterThanOrEqualTo(2);
    assertThat(device.received).hasSize(1);
  }
}
