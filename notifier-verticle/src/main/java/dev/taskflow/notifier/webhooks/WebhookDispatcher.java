package dev.taskflow.notifier.webhooks;

import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.runtime.DueTimer;
import dev.taskflow.notifier.NotifierSettings;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
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

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.UUID;

/**
 * Sends queued webhook deliveries: POSTs the CloudEvent (structured JSON) to the webhook's URL, signed
 * ({@link WebhookSignature}), records every attempt, and retries a failed one (a non-2xx answer, no answer within the
 * timeout, no connection) with exponential backoff until the attempts run out. Each attempt connects to an address
 * {@link WebhookTargets} resolved and checked; one it refuses (a private or internal address, unless allowed) is
 * recorded as failed and not retried. A round only claims and starts requests; it never waits for a receiver, so a
 * slow webhook delays nobody: it holds at most {@code perWebhook} of the {@code webhookInFlight} slots, all of one
 * user's webhooks at most {@code perUser}, and each request gives up after {@code webhookTimeout} without a byte.
 */
public final class WebhookDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
  private static final int MAX_ERROR = 500;

  private record Delivery(UUID id, UUID webhookId, String eventType, JsonObject event, int attempt, String url,
                          String secret) {

    static Delivery from(Row row) {
      return new Delivery(row.getUUID("id"), row.getUUID("webhook_id"), row.getString("event_type"),
        (JsonObject) row.getValue("event"), row.getInteger("attempts"), row.getString("url"), row.getString("secret"));
    }
  }

  private final Pool pool;
  private final WebClient client;
  private final WebhookTargets targets;
  private final NotifierSettings settings;
  private final Runnable afterAttempt;
  private int inFlight;

  /** @param afterAttempt called when an attempt has been recorded: a slot is free, a retry is scheduled */
  WebhookDispatcher(Pool pool, WebClient client, WebhookTargets targets, NotifierSettings settings,
                    Runnable afterAttempt) {
    this.pool = pool;
    this.client = client;
    this.targets = targets;
    this.settings = settings;
    this.afterAttempt = afterAttempt;
  }

  /** Null while every slot of this instance is taken: the next finished attempt re-arms. */
  public Future<Long> nextDueMillis() {
    if (inFlight >= settings.webhookInFlight()) {
      return Future.succeededFuture(null);
    }
    return pool.preparedQuery(WebhookSql.NEXT_DUE).execute(Tuple.of(settings.perWebhook(), settings.perUser()))
      .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Claims what is due, as far as slots are free, and starts sending it. */
  public Future<DueTimer.Round> dispatchDue() {
    int free = settings.webhookInFlight() - inFlight;
    if (free <= 0) {
      return Future.succeededFuture(new DueTimer.Round(0, false));
    }
    double lease = settings.webhookTimeout().toMillis() * 2 / 1000.0 + 10;
    return pool.preparedQuery(WebhookSql.CLAIM).execute(Tuple.of(free, lease, settings.perWebhook(), settings.perUser())).map(rows -> {
      List<Delivery> claimed = new ArrayList<>(rows.size());
      rows.forEach(row -> claimed.add(Delivery.from(row)));
      claimed.forEach(this::send);
      return new DueTimer.Round(claimed.size(), claimed.size() == free);
    });
  }

  private void send(Delivery delivery) {
    inFlight++;
    OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
    long startNanos = System.nanoTime();
    Buffer body = delivery.event().toBuffer();
    Future<HttpResponse<Void>> response = delivery.attempt() > settings.webhookRetry().attempts()
      // a notifier stopped during the last attempt and its lease ran out: the budget is spent, nothing is sent
      ? Future.failedFuture("no attempts left (a notifier stopped during the last one)")
      : post(delivery, started, body);
    response
      .transform(result -> record(delivery, result, started, (System.nanoTime() - startNanos) / 1_000_000))
      .onFailure(e -> LOG.warn("Webhook delivery {}: attempt {} could not be recorded (it will be retried when its "
        + "lease runs out): {}", delivery.id(), delivery.attempt(), e.toString()))
      .onComplete(done -> {
        inFlight--;
        afterAttempt.run();
      });
  }

  /**
   * One attempt, to the address checked for it, with a hard deadline (the lookup included) well inside the lease. A
   * lookup that answers after the deadline sends nothing: the attempt has been recorded as timed out by then.
   */
  private Future<HttpResponse<Void>> post(Delivery delivery, OffsetDateTime started, Buffer body) {
    long timeoutMs = settings.webhookTimeout().toMillis();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    return targets.server(delivery.url())
      .compose(server -> {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (leftMs <= 0) {
          return Future.failedFuture(new TimeoutException("the host lookup took longer than " + timeoutMs + " ms"));
        }
        return client.requestAbs(HttpMethod.POST, server, delivery.url())
          .connectTimeout(leftMs)
          .idleTimeout(leftMs)
          .followRedirects(false)
          .putHeader("Content-Type", TaskflowEvent.CONTENT_TYPE)
          .putHeader(WebhookSignature.HEADER, WebhookSignature.header(delivery.secret(), started.toEpochSecond(), body))
          .putHeader("Taskflow-Webhook-Id", delivery.webhookId().toString())
          .putHeader("Taskflow-Delivery-Id", delivery.id().toString())
          .putHeader("Taskflow-Delivery-Attempt", Integer.toString(delivery.attempt()))
          .as(BodyCodec.none())
          .sendBuffer(body);
      })
      // a hard deadline, well inside the lease: the idle timeout restarts with every byte a trickling receiver sends
      .timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private Future<Void> record(Delivery delivery, AsyncResult<HttpResponse<Void>> result, OffsetDateTime started,
                              long durationMs) {
    Integer status = result.succeeded() ? result.result().statusCode() : null;
    boolean delivered = status != null && status >= 200 && status < 300;
    boolean refused = result.failed() && result.cause() instanceof WebhookTargets.Refused;
    String error = delivered ? null
      : status != null ? "HTTP " + status + " " + result.result().statusMessage()
      : abbreviate(refused ? result.cause().getMessage() : result.cause().toString());
    boolean retry = !delivered && !refused && delivery.attempt() < settings.webhookRetry().attempts();
    String state = delivered ? "delivered" : retry ? "pending" : "failed";
    Double wait = retry ? settings.webhookRetry().backoff(delivery.attempt()).toMillis() / 1000.0 : null;
    if (!delivered) {
      LOG.info("Webhook {} delivery {} ({}) attempt {} failed: {}; {}", delivery.webhookId(), delivery.id(),
        delivery.eventType(), delivery.attempt(), error, retry ? "retrying in " + wait + " s" : "giving up");
    }
    return pool.withTransaction(tx -> tx.preparedQuery(WebhookSql.RECORD_ATTEMPT)
      .execute(Tuple.from(new Object[]{delivery.id(), delivery.attempt(), started, (int) durationMs, status, error}))
      .compose(v -> tx.preparedQuery(WebhookSql.FINISH_ATTEMPT)
        .execute(Tuple.from(new Object[]{delivery.id(), state, status, error, wait, delivery.attempt()})))
      .mapEmpty());
  }

  private static String abbreviate(String text) {
    return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR) + "...";
  }
}
