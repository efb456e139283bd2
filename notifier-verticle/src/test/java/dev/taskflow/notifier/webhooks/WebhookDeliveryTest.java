package dev.taskflow.notifier.webhooks;

import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.kafka.TestKafka;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.notifier.NotifierFixture;
import dev.taskflow.notifier.delivery.DeliveryVerticle;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.taskflow.core.kafka.TestKafka.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks end to end in one process: an event written to the outbox reaches the notifier's consumer, which queues
 * it for the user's webhooks, and the dispatcher POSTs it to a local HTTP receiver that answers as each test needs.
 * The receivers are on 127.0.0.1, so this notifier allows private addresses ({@code webhooks.allow.private});
 * {@link WebhookEgressTest} has the default. Its lookup knows one name of its own, {@code hooks.test}, and it trusts
 * the certificate of the HTTPS receiver, which is for that name.
 */
@DisplayName("Webhook deliveries")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookDeliveryTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  /** What a receiver saw: the request's headers and body. */
  record Request(MultiMap headers, Buffer body) {
  }

  /** What the HTTPS receiver saw: the TLS server name the client indicated (SNI), and the Host header. */
  record TlsRequest(String serverName, String host) {
  }

  NotifierFixture fixture;
  HttpServer receiver;
  SelfSignedCertificate certificate;
  HttpServer tlsReceiver;
  final Queue<TlsRequest> tlsRequests = new ConcurrentLinkedQueue<>();
  final Map<String, Queue<Request>> requests = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
  final AtomicInteger slowOpen = new AtomicInteger();
  final AtomicInteger tarpitOpen = new AtomicInteger();

  @BeforeAll
  void start() {
    fixture = new NotifierFixture(db, new JsonObject()
      .put("webhooks.attempts", 3)
      .put("webhooks.backoff.initial.ms", 100L)
      .put("webhooks.backoff.max.ms", 400L)
      .put("webhooks.timeout.ms", 1500L)
      .put("webhooks.per.webhook", 2)
      .put("webhooks.per.user", 3)
      .put("webhooks.allow.private", true));
    receiver = TestKafka.await(fixture.vertx.createHttpServer().requestHandler(this::receive)
      .listen(0, "127.0.0.1"));
    certificate = SelfSignedCertificate.create("hooks.test");
    tlsReceiver = TestKafka.await(fixture.vertx.createHttpServer(new HttpServerOptions()
        .setSsl(true)
        .setSni(true)
        .setKeyCertOptions(certificate.keyCertOptions()))
      .requestHandler(request -> {
        tlsRequests.add(new TlsRequest(request.connection().indicatedServerName(), request.getHeader("Host")));
        request.response().end("thanks");
      })
      .listen(0, "127.0.0.1"));
    fixture.deploy(new RelayVerticle());
    fixture.deploy(new DeliveryVerticle());
    fixture.deploy(new WebhookVerticle(host -> host.equals("hooks.test")
      ? List.of(InetAddress.getByAddress(new byte[]{127, 0, 0, 1}))
      : WebhookTargets.SYSTEM.addresses(host), certificate.trustOptions()));
  }

  @AfterAll
  void stop() {
    fixture.close();
    certificate.delete();
  }

  /**
   * {@code /ok} answers 200; {@code /flaky} 500 twice, then 200; {@code /down} always 503; {@code /slow} and
   * {@code /tarpit} never.
   */
  private void receive(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      String path = request.path();
      requests.computeIfAbsent(path, p -> new ConcurrentLinkedQueue<>()).add(new Request(request.headers(), body));
      int n = answers.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      switch (path) {
        case "/flaky" -> request.response().setStatusCode(n <= 2 ? 500 : 200).end();
        case "/down" -> request.response().setStatusCode(503).end();
        case "/slow" -> {
          slowOpen.incrementAndGet();
          request.connection().closeHandler(v -> slowOpen.decrementAndGet());
        }
        case "/tarpit" -> {
          tarpitOpen.incrementAndGet();
          request.connection().closeHandler(v -> tarpitOpen.decrementAndGet());
        }
        default -> request.response().setStatusCode(200).end("thanks");
      }
    });
  }

  private String url(String path) {
    return "http://127.0.0.1:" + receiver.actualPort() + path;
  }

  private UUID webhook(UUID user, String path, String secret, String... events) {
    return fixture.webhook(user, url(path), secret, events);
  }

  @Test
  @DisplayName("a delivery carries the CloudEvent with a signature the receiver can verify with the secret")
  void signed() {
    UUID user = fixture.user();
    String secret = "whsec_" + UUID.randomUUID();
    UUID webhook = webhook(user, "/ok", secret);
    UUID other = webhook(user, "/ok", "whsec_other", EventTypes.TASK_DELETED);

    TaskflowEvent event = fixture.reminderTriggered(user);

    assertThat(fixture.finalDeliveryState(webhook)).isEqualTo("delivered");
    Request request = requests.get("/ok").stream()
      .filter(r -> webhook.toString().equals(r.headers().get("Taskflow-Webhook-Id"))).findFirst().orElseThrow();
    assertThat(request.headers().get("Content-Type")).isEqualTo("application/cloudevents+json");
    assertThat(request.headers().get("Taskflow-Delivery-Attempt")).isEqualTo("1");
    JsonObject body = request.body().toJsonObject();
    assertThat(body.getString("id")).isEqualTo(event.id().toString());
    assertThat(body.getString("type")).isEqualTo(EventTypes.REMINDER_TRIGGERED);
    String signature = request.headers().get(WebhookSignature.HEADER);
    assertThat(signature).matches("t=\\d+,v1=[0-9a-f]{64}");
    long now = Instant.now().getEpochSecond();
    assertThat(WebhookSignature.verify(secret, signature, request.body(), now, 300)).isTrue();
    assertThat(WebhookSignature.verify("whsec_wrong", signature, request.body(), now, 300)).isFalse();
    assertThat(WebhookSignature.verify(secret, signature, Buffer.buffer(body.put("late", true).encode()), now, 300))
      .isFalse();
    assertThat(fixture.webhookAttempts(webhook)).singleElement()
      .satisfies(a -> assertThat(a.getInteger("status")).isEqualTo(200));
    assertThat(fixture.count("SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1", other))
      .as("a webhook that did not ask for reminders").isZero();
  }

  @Test
  @DisplayName("a request goes to the address the notifier resolved, with the URL's host in Host: a name only the "
    + "notifier's own lookup knows is delivered")
  void connectsToTheAddressChecked() {
    UUID user = fixture.user();
    String authority = "hooks.test:" + receiver.actualPort();
    UUID webhook = fixture.webhook(user, "http://" + authority + "/pinned", "whsec_pinned");

    fixture.reminderTriggered(user);

    assertThat(fixture.finalDeliveryState(webhook)).as(fixture.webhookDelivery(webhook).getString("last_error"))
      .isEqualTo("delivered");
    assertThat(requests.get("/pinned")).singleElement()
      .satisfies(request -> assertThat(request.headers().get("Host")).isEqualTo(authority));
  }

  @Test
  @DisplayName("over HTTPS, the address resolved is connected to with the host's name in SNI, in Host and in the "
    + "certificate check")
  void https() {
    UUID user = fixture.user();
    String authority = "hooks.test:" + tlsReceiver.actualPort();
    UUID webhook = fixture.webhook(user, "https://" + authority + "/tls", "whsec_tls");

    fixture.reminderTriggered(user);

    assertThat(fixture.finalDeliveryState(webhook)).as(fixture.webhookDelivery(webhook).getString("last_error"))
      .isEqualTo("delivered");
    assertThat(tlsRequests).singleElement().isEqualTo(new TlsRequest("hooks.test", authority));
  }

  @Test
  @DisplayName("a receiver answering 500 twice then 200 gets three attempts, each recorded, and no more")
  void retried() {
    UUID user = fixture.user();
    UUID webhook = webhook(user, "/flaky", "whsec_flaky");

    fixture.reminderTriggered(user);

    assertThat(fixture.finalDeliveryState(webhook)).isEqualTo("delivered");
    assertThat(fixture.webhookAttempts(webhook)).extracting(a -> a.getInteger("status")).containsExactly(500, 500, 200);
    assertThat(fixture.webhookAttempts(webhook)).extracting(a -> a.getString("error"))
      .containsExactly("HTTP 500 Internal Server Error", "HTTP 500 Internal Server Error", null);
    assertThat(fixture.webhookDelivery(webhook).getInteger("attempts")).isEqualTo(3);
    assertThat(requests.get("/flaky")).extracting(r -> r.headers().get("Taskflow-Delivery-Attempt"))
      .containsExactly("1", "2", "3");
    // longer than any backoff: a fourth attempt would have come by now
    NotifierFixture.sleep(1_000);
    assertThat(answers.get("/flaky").get()).isEqualTo(3);
  }

  @Test
  @DisplayName("a receiver that keeps failing gets the configured attempts, then the delivery is marked failed")
  void givesUp() {
    UUID user = fixture.user();
    UUID webhook = webhook(user, "/down", "whsec_down");

    fixture.reminderTriggered(user);

    assertThat(fixture.finalDeliveryState(webhook)).isEqualTo("failed");
    assertThat(fixture.webhookAttempts(webhook)).hasSize(3).allMatch(a -> a.getInteger("status") == 503);
    assertThat(fixture.webhookDelivery(webhook).getOffsetDateTime("finished_at")).isNotNull();
  }

  @Test
  @DisplayName("a receiver that never answers holds two slots until its timeout, and delays no one else's delivery")
  void slowReceiver() {
    UUID slowUser = fixture.user();
    UUID slow = webhook(slowUser, "/slow", "whsec_slow");
    for (int i = 0; i < 5; i++) {
      fixture.reminderTriggered(slowUser);
    }
    waitUntil("the slow receiver to hold requests", () -> slowOpen.get() == 2);

    UUID user = fixture.user();
    UUID fast = webhook(user, "/ok", "whsec_fast");
    fixture.reminderTriggered(user);

    assertThat(fixture.finalDeliveryState(fast)).isEqualTo("delivered");
    // read before checking that no attempt has finished: until one does, no third request may start (counting open
    // connections at the receiver instead races its close handler against the next request after a timeout)
    int arrivedWhileHeld = answers.get("/slow").get();
    assertThat(fixture.webhookAttempts(slow)).as("the slow webhook's attempts finished so far").isEmpty();
    assertThat(arrivedWhileHeld).as("requests at the slow receiver while two were held").isEqualTo(2);
    waitUntil("the slow webhook's first attempts to time out", () -> fixture.webhookAttempts(slow).size() >= 2);
    assertThat(fixture.webhookAttempts(slow)).allSatisfy(a -> {
      assertThat(a.getInteger("status")).isNull();
      assertThat(a.getString("error")).containsIgnoringCase("timeout");
    });
  }

  @Test
  @DisplayName("one user's receivers that never answer hold at most webhooks.per.user slots together, and another "
    + "user's delivery goes out while they are held")
  void perUser() {
    UUID tarpitUser = fixture.user();
    UUID first = webhook(tarpitUser, "/tarpit", "whsec_tarpit1");
    UUID second = webhook(tarpitUser, "/tarpit", "whsec_tarpit2");
    // 3 events for 2 webhooks: 6 deliveries, of which the per-webhook cap (2) alone would let 4 go at once
    for (int i = 0; i < 3; i++) {
      fixture.reminderTriggered(tarpitUser);
    }
    waitUntil("the tarpit to hold requests", () -> tarpitOpen.get() >= 3);

    UUID user = fixture.user();
    UUID fast = webhook(user, "/ok", "whsec_other_user");
    fixture.reminderTriggered(user);

    assertThat(fixture.finalDeliveryState(fast)).isEqualTo("delivered");
    // as in slowReceiver: read the count first, then check that no tarpit attempt has finished (and freed a slot)
    int arrivedWhileHeld = answers.get("/tarpit").get();
    assertThat(fixture.webhookAttempts(first)).as("the first tarpit webhook's finished attempts").isEmpty();
    assertThat(fixture.webhookAttempts(second)).as("the second tarpit webhook's finished attempts").isEmpty();
    assertThat(arrivedWhileHeld).as("requests at the tarpit while its user's slots were held").isEqualTo(3);
  }

  @Test
  @DisplayName("webhooks.per.user must be below webhooks.concurrency")
  void perUserBelowConcurrency() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.taskflow.notifier.NotifierSettings.from(
        new JsonObject().put("webhooks.concurrency", 8).put("webhooks.per.user", 8)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("webhooks.per.user");
  }
}
