package dev.taskflow.notifier.webhooks;

import dev.taskflow.core.kafka.TestKafka;
import dev.taskflow.core.outbox.RelayVerticle;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.notifier.NotifierFixture;
import dev.taskflow.notifier.delivery.DeliveryVerticle;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notifier with the default {@code webhooks.allow.private=false}, and webhooks stored straight in the database,
 * as the API would refuse them (or as it accepted them while private addresses were allowed): every one points at a
 * receiver on 127.0.0.1, which must never see a request. Its lookup knows a few names of its own, as DNS could answer
 * them.
 */
@DisplayName("Webhook deliveries to private addresses")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookEgressTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  static final Map<String, List<String>> NAMES = Map.of(
    "internal.test", List.of("127.0.0.1"),
    "office.test", List.of("10.0.0.5"),
    "mixed.test", List.of("93.184.215.14", "169.254.169.254"),
    "mapped.test", List.of("::ffff:127.0.0.1"));

  NotifierFixture fixture;
  HttpServer receiver;
  final AtomicInteger received = new AtomicInteger();

  @BeforeAll
  void start() {
    fixture = new NotifierFixture(db, new JsonObject()
      .put("webhooks.attempts", 3)
      .put("webhooks.backoff.initial.ms", 50L)
      .put("webhooks.backoff.max.ms", 100L)
      .put("webhooks.timeout.ms", 1500L));
    receiver = TestKafka.await(fixture.vertx.createHttpServer()
      .requestHandler(request -> {
        received.incrementAndGet();
        request.response().end("thanks");
      })
      .listen(0, "127.0.0.1"));
    fixture.deploy(new RelayVerticle());
    fixture.deploy(new DeliveryVerticle());
    fixture.deploy(new WebhookVerticle(WebhookEgressTest::lookup, null));
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  private static List<InetAddress> lookup(String host) throws UnknownHostException {
    List<String> addresses = NAMES.get(host);
    if (addresses == null) {
      return WebhookTargets.SYSTEM.addresses(host);
    }
    return addresses.stream().map(address -> {
      try {
        return InetAddress.getByName(address);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  /** Sends one event to a webhook at {@code host} and the receiver's port, and tells its delivery once it ended. */
  private Row deliver(String host) {
    UUID user = fixture.user();
    UUID webhook = fixture.webhook(user, "http://" + host + ":" + receiver.actualPort() + "/hook", "whsec_egress");
    fixture.reminderTriggered(user);
    assertThat(fixture.finalDeliveryState(webhook)).as(host).isEqualTo("failed");
    // longer than any backoff: a second attempt would have come by now
    NotifierFixture.sleep(400);
    assertThat(fixture.webhookAttempts(webhook)).as(host + ": attempts").singleElement().satisfies(attempt -> {
      assertThat(attempt.getInteger("status")).isNull();
      assertThat(attempt.getString("error")).startsWith("refused: ");
    });
    Row delivery = fixture.webhookDelivery(webhook);
    assertThat(delivery.getInteger("attempts")).isEqualTo(1);
    assertThat(delivery.getOffsetDateTime("finished_at")).isNotNull();
    return delivery;
  }

  @Test
  @DisplayName("localhost is refused by name: one failed attempt, recorded, not retried, and nothing is sent")
  void localhost() {
    assertThat(deliver("localhost").getString("last_error"))
      .startsWith("refused: localhost is a loopback name; loopback, private, link-local and other internal "
        + "addresses are refused unless the server's operator sets webhooks.allow.private "
        + "(TASKFLOW_WEBHOOKS_ALLOW_PRIVATE) to true");
    assertThat(received.get()).isZero();
  }

  @Test
  @DisplayName("a name that resolves to loopback or a private address is refused, saying what it is but not the address")
  void resolvesToPrivate() {
    assertThat(deliver("internal.test").getString("last_error"))
      .startsWith("refused: internal.test resolves to a loopback address;");
    assertThat(deliver("office.test").getString("last_error"))
      .startsWith("refused: office.test resolves to a private address;");
    assertThat(deliver("mapped.test").getString("last_error"))
      .startsWith("refused: mapped.test resolves to a loopback address;");
    assertThat(received.get()).isZero();
  }

  @Test
  @DisplayName("one private address among a name's addresses is enough to refuse it")
  void anyAddress() {
    assertThat(deliver("mixed.test").getString("last_error"))
      .startsWith("refused: mixed.test resolves to a link-local address;");
  }

  @Test
  @DisplayName("an address written out is refused, also in the forms that hide it")
  void literals() {
    assertThat(deliver("127.0.0.1").getString("last_error")).startsWith("refused: 127.0.0.1 is a loopback address;");
    assertThat(deliver("[::1]").getString("last_error")).startsWith("refused: [::1] is a loopback address;");
    assertThat(deliver("[::ffff:127.0.0.1]").getString("last_error"))
      .startsWith("refused: [::ffff:127.0.0.1] is 127.0.0.1, a loopback address;");
    assertThat(deliver("2130706433").getString("last_error"))
      .startsWith("refused: 2130706433 is 127.0.0.1, a loopback address;");
    assertThat(deliver("0x7f.1").getString("last_error"))
      .startsWith("refused: 0x7f.1 is 127.0.0.1, a loopback address;");
    assertThat(received.get()).isZero();
  }

  @Test
  @DisplayName("a URL with no host, which the system resolver would answer with loopback, is refused as it is")
  void noHost() {
    assertThat(deliver("").getString("last_error")).endsWith(" cannot be sent to: it names no host");
    assertThat(received.get()).isZero();
  }
}
