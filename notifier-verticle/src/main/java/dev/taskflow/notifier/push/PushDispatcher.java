package dev.taskflow.notifier.push;

import dev.taskflow.core.push.P256;
import dev.taskflow.core.push.PushSettings;
import dev.taskflow.core.push.VapidKeys;
import dev.taskflow.core.runtime.DueTimer;
import dev.taskflow.notifier.webhooks.WebhookTargets;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Sends queued push deliveries to the subscriptions' push services: the payload encrypted for the device and the
 * request signed with the VAPID key ({@link WebPushMessage}, on a worker), with {@code TTL}, {@code Urgency: high} and
 * {@code Content-Encoding: aes128gcm}. A 2xx is delivered; a 404 or 410 means the subscription is gone (RFC 8030
 * section 7.3), so it is deleted with its deliveries; a 429, a 5xx, no answer within {@code push.timeout.ms} or no
 * connection is retried with exponential backoff until the attempts run out; any other answer (400, 401, 403 — a
 * VAPID key the subscription was not made with —, 413) fails the delivery at once. Endpoints are checked again here
 * (https, public addresses, resolved at each attempt by {@link WebhookTargets}) unless their host is one of
 * {@code push.insecure.hosts}.
 */
final class PushDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(PushDispatcher.class);
  private static final int MAX_ERROR = 500;

  private record Delivery(UUID id, UUID subscriptionId, UUID userId, UUID reminderId, JsonObject payload, int attempt,
                          String endpoint, String p256dh, String auth) {

    static Delivery from(Row row) {
      return new Delivery(row.getUUID("id"), row.getUUID("subscription_id"), row.getUUID("user_id"),
        row.getUUID("reminder_id"), (JsonObject) row.getValue("payload"), row.getInteger("attempts"),
        row.getString("endpoint"), row.getString("p256dh"), row.getString("auth"));
    }
  }

  /** The encrypted body and the signed header of one request. */
  private record Message(URI endpoint, Buffer body, String authorization) {
  }

  /** A delivery that cannot be sent and will not become sendable by waiting. */
  private static final class Unsendable extends RuntimeException {

    Unsendable(String reason) {
      super(reason, null, false, false);
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final WebClient client;
  private final WebhookTargets publicTargets;
  private final WebhookTargets insecureTargets;
  private final VapidKeys keys;
  private final PushSettings settings;
  private final Runnable afterAttempt;
  private int inFlight;

  PushDispatcher(Vertx vertx, Pool pool, WebClient client, WebhookTargets publicTargets,
                 WebhookTargets insecureTargets, VapidKeys keys, PushSettings settings, Runnable afterAttempt) {
    this.vertx = vertx;
    this.pool = pool;
    this.client = client;
    this.publicTargets = publicTargets;
    this.insecureTargets = insecureTargets;
    this.keys = keys;
    this.settings = settings;
    this.afterAttempt = afterAttempt;
  }

  /** Null while every slot of this instance is taken: the next finished attempt re-arms. */
  Future<Long> nextDueMillis() {
    if (inFlight >= settings.inFlight()) {
      return Future.succeededFuture(null);
    }
    return pool.query(PushSql.NEXT_DUE).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** Claims what is due, as far as slots are free, and starts sending it. */
  Future<DueTimer.Round> dispatchDue() {
    int free = settings.inFlight() - inFlight;
    if (free <= 0) {
      return Future.succeededFuture(new DueTimer.Round(0, false));
    }
    double lease = settings.timeout().toMillis() * 2 / 1000.0 + 10;
    return pool.preparedQuery(PushSql.CLAIM).execute(Tuple.of(free, lease)).map(rows -> {
      List<Delivery> claimed = new ArrayList<>(rows.size());
      rows.forEach(row -> claimed.add(Delivery.from(row)));
      claimed.forEach(this::send);
      return new DueTimer.Round(claimed.size(), claimed.size() == free);
    });
  }

  private void send(Delivery delivery) {
    inFlight++;
    Future<HttpResponse<Void>> response = delivery.attempt() > settings.retry().attempts()
      ? Future.failedFuture(new Unsendable("no attempts left (a notifier stopped during the last one)"))
      : vertx.executeBlocking(() -> message(delivery), false).compose(message -> post(delivery, message));
    response
      .transform(result -> record(delivery, result))
      .onFailure(e -> LOG.warn("Push delivery {}: attempt {} could not be recorded (it will be retried when its lease "
        + "runs out): {}", delivery.id(), delivery.attempt(), e.toString()))
      .onComplete(done -> {
        inFlight--;
        afterAttempt.run();
      });
  }

  /** Blocking (CPU): the endpoint checked, the payload encrypted, the header signed. */
  private Message message(Delivery delivery) {
    URI endpoint;
    byte[] p256dh;
    byte[] auth;
    try {
      endpoint = settings.endpoint(delivery.endpoint());
      p256dh = P256.fromBase64Url(delivery.p256dh());
      auth = P256.fromBase64Url(delivery.auth());
    } catch (IllegalArgumentException e) {
      throw new Unsendable("the subscription cannot be pushed to: " + e.getMessage());
    }
    try {
      byte[] body = WebPushMessage.encrypt(delivery.payload().encode().getBytes(StandardCharsets.UTF_8), p256dh, auth);
      return new Message(endpoint, Buffer.buffer(body),
        WebPushMessage.authorization(keys, settings.subject(), endpoint, Instant.now()));
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      throw new Unsendable("the message could not be encrypted or signed: " + e);
    }
  }

  private Future<HttpResponse<Void>> post(Delivery delivery, Message message) {
    long timeoutMs = settings.timeout().toMillis();
    WebhookTargets targets = settings.insecure(message.endpoint()) ? insecureTargets : publicTargets;
    return targets.server(message.endpoint().toString())
      .compose(server -> client.requestAbs(HttpMethod.POST, server, message.endpoint().toString())
        .connectTimeout(timeoutMs)
        .idleTimeout(timeoutMs)
        .followRedirects(false)
        .putHeader("Authorization", message.authorization())
        .putHeader("TTL", Long.toString(settings.ttl().toSeconds()))
        .putHeader("Urgency", "high")
        .putHeader("Content-Encoding", "aes128gcm")
        .putHeader("Content-Type", "application/octet-stream")
        .as(BodyCodec.none())
        .sendBuffer(message.body()))
      .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private Future<Void> record(Delivery delivery, AsyncResult<HttpResponse<Void>> result) {
    Integer status = result.succeeded() ? result.result().statusCode() : null;
    if (status != null && (status == 404 || status == 410)) {
      LOG.info("Push subscription {} of user {} is gone (the push service answered {}): deleted",
        delivery.subscriptionId(), delivery.userId(), status);
      return pool.preparedQuery(PushSql.DELETE_SUBSCRIPTION).execute(Tuple.of(delivery.subscriptionId())).mapEmpty();
    }
    boolean delivered = status != null && status >= 200 && status < 300;
    boolean transientFailure = status == null
      ? !(result.cause() instanceof Unsendable) && !(result.cause() instanceof WebhookTargets.Refused)
      : status == 429 || status >= 500;
    String error = delivered ? null
      : status != null ? "HTTP " + status + " " + result.result().statusMessage()
      : abbreviate(result.cause() instanceof Unsendable || result.cause() instanceof WebhookTargets.Refused
        ? result.cause().getMessage() : result.cause().toString());
    boolean retry = !delivered && transientFailure && delivery.attempt() < settings.retry().attempts();
    String state = delivered ? "delivered" : retry ? "pending" : "failed";
    Double wait = retry ? settings.retry().backoff(delivery.attempt()).toMillis() / 1000.0 : null;
    if (delivered) {
      LOG.info("Pushed reminder {} to subscription {} of user {} (attempt {}, HTTP {})", delivery.reminderId(),
        delivery.subscriptionId(), delivery.userId(), delivery.attempt(), status);
    } else {
      LOG.info("Push delivery {} of reminder {} to subscription {} attempt {} failed: {}; {}", delivery.id(),
        delivery.reminderId(), delivery.subscriptionId(), delivery.attempt(), error,
        retry ? "retrying in " + wait + " s" : "giving up");
    }
    return pool.preparedQuery(PushSql.FINISH)
      .execute(Tuple.from(new Object[]{delivery.id(), state, status, error, wait, delivery.attempt()}))
      .mapEmpty();
  }

  private static String abbreviate(String text) {
    return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR) + "...";
  }
}
