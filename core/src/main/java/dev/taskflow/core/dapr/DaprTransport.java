package dev.taskflow.core.dapr;

import dev.taskflow.core.consumer.RetryPolicy;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.transport.EventHandler;
import dev.taskflow.core.transport.EventPublisher;
import dev.taskflow.core.transport.EventSubscriber;
import dev.taskflow.core.transport.OutboxRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Dapr transport ({@code transport: dapr}): talks to the Dapr sidecar over its documented HTTP API, with plain
 * Vert.x HTTP and no Dapr SDK (the SDK publishes over gRPC and brings Netty 4.1).
 *
 * <p><b>Publishing.</b> Each record becomes {@code POST /v1.0/publish/<pubsub>/<topic>?metadata.partitionKey=<key>}
 * with the structured CloudEvent as body and {@code Content-Type: application/cloudevents+json}, so Dapr passes the
 * event through unchanged (it only adds its tracing and routing attributes) and the Kafka component keys the record by
 * the user id. Records with the same key are sent one after another in list order, and a key's remaining records are
 * not sent once one of them failed; different keys go in parallel. The sidecar answers 204 once the broker has the
 * message; any other answer (or none) fails the returned future, and the outbox relay publishes the rows again.
 *
 * <p><b>Subscribing.</b> The first {@link #subscribe} of the process starts its one delivery endpoint
 * ({@link DaprAppEndpoint}) on {@code dapr.app.host:dapr.app.port} (the sidecar's {@code --app-port}), shared by every
 * transport of the process: each verticle makes its own transport, but the sidecar has one app port. It serves the
 * programmatic subscription list {@code GET /dapr/subscribe} (one entry per topic: route {@code /dapr/deliver/<topic>},
 * dead-letter topic {@code <topic>.dlq}) and the deliveries, {@code POST /dapr/deliver/<topic>}. A Dapr app id is one
 * consumer group (the Kafka component's {@code consumerGroup} is the app id), so all the groups subscribed in one
 * process share the topic's one Dapr subscription: a delivery goes to one handler of every group (a group's handlers
 * take turns), on the context that handler subscribed from, retried there by a {@link dev.taskflow.core.consumer.Retrier}
 * (a transient failure for up to two of the longest retry waits, any other up to {@code consumer.retry.attempts}
 * times). The answer is {@code SUCCESS} when all succeeded, {@code RETRY} when one still failed transiently (handlers are
 * idempotent, so the groups that had succeeded change nothing the next time), {@code DROP} when one gave up on the event
 * or the body is not a Taskflow CloudEvent.
 *
 * <p><b>Redelivery and dead letters are the sidecar's.</b> The Resiliency policy in
 * {@code dapr-components/resiliency.yaml} redelivers after RETRY without limit ({@code maxRetries: -1}, backing off up
 * to 15 s): a transient failure is an outage, and dead-lettering a healthy event would lose its effect. After DROP
 * the sidecar publishes the event to the subscription's dead-letter topic {@code <topic>.dlq} (Dapr 1.13+,
 * dapr/dapr#7097). Per-key order on delivery is the sidecar's too (the Kafka component hands a partition's messages
 * over one at a time).
 *
 * <p>Dapr reads {@code /dapr/subscribe} once, when it connects to the app's port: a process subscribes every topic it
 * needs during its start-up. The endpoint answers the list only once no subscription has been added for a moment, so
 * one verticle's subscriptions made one after another are all in it; a verticle deployed seconds later is not.
 */
public final class DaprTransport implements EventPublisher, EventSubscriber {

  private static final Logger LOG = LoggerFactory.getLogger(DaprTransport.class);

  public static final String SUBSCRIBE_PATH = "/dapr/subscribe";
  /** The app health check path the chart gives the sidecar ({@code dapr.io/app-health-check-path}). */
  public static final String HEALTH_PATH = "/healthz";
  public static final String DELIVERY_PATH_PREFIX = "/dapr/deliver/";
  public static final String PARTITION_KEY_PARAM = "metadata.partitionKey";
  /** Dapr topic names Taskflow uses ({@code task-events}, {@code reminders.dlq}); they need no escaping in a path. */
  private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  private static final long CHECK_TIMEOUT_MS = 3_000;

  /** The statuses of a delivery's answer, as the sidecar reads them. */
  public enum DeliveryStatus { SUCCESS, RETRY, DROP }

  private final Vertx vertx;
  private final DaprSettings settings;
  private final RetryPolicy retry;
  private final WebClient client;
  /** The process's delivery endpoint, once this transport subscribed; guarded by {@code this}. */
  private DaprAppEndpoint endpoint;

  private DaprTransport(Vertx vertx, DaprSettings settings, RetryPolicy retry) {
    this.vertx = vertx;
    this.settings = settings;
    this.retry = retry;
    this.client = WebClient.create(vertx);
  }

  /** A transport whose handlers are retried with the default {@code consumer.retry.*} policy. */
  public static DaprTransport create(Vertx vertx, DaprSettings settings) {
    return create(vertx, settings, RetryPolicy.from(new JsonObject()));
  }

  public static DaprTransport create(Vertx vertx, DaprSettings settings, RetryPolicy retry) {
    return new DaprTransport(vertx, settings, retry);
  }

  // ---------------------------------------------------------------- publishing

  @Override
  public Future<Void> publish(List<OutboxRecord> records) {
    Map<String, List<OutboxRecord>> byKey = new LinkedHashMap<>();
    for (OutboxRecord record : records) {
      byKey.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(record);
    }
    // join, not all: the future completes only when no request is in flight any more
    return Future.join(byKey.values().stream().map(this::publishInOrder).toList()).mapEmpty();
  }

  private Future<Void> publishInOrder(List<OutboxRecord> sameKey) {
    Future<Void> chain = Future.succeededFuture();
    for (OutboxRecord record : sameKey) {
      chain = chain.compose(v -> publishOne(record));
    }
    return chain;
  }

  private Future<Void> publishOne(OutboxRecord record) {
    var request = client.post(settings.httpPort(), settings.host(), publishPath(record.topic()))
      .putHeader(HttpHeaders.CONTENT_TYPE.toString(), TaskflowEvent.CONTENT_TYPE)
      .timeout(REQUEST_TIMEOUT_MS);
    if (record.key() != null) {
      request.addQueryParam(PARTITION_KEY_PARAM, record.key());
    }
    return request.sendBuffer(record.event().toBuffer())
      .compose(response -> expect2xx(response, "publish to " + record.topic()));
  }

  /** {@code /v1.0/publish/<pubsub>/<topic>}. */
  public String publishPath(String topic) {
    return "/v1.0/publish/" + settings.pubsub() + "/" + checkedTopic(topic);
  }

  /** Succeeds when the sidecar's health endpoint answers 2xx (204) within a few seconds. */
  @Override
  public Future<Void> check() {
    return client.get(settings.httpPort(), settings.host(), "/v1.0/healthz")
      .timeout(CHECK_TIMEOUT_MS)
      .send()
      .compose(response -> expect2xx(response, "health check"));
  }

  private Future<Void> expect2xx(HttpResponse<Buffer> response, String what) {
    if (response.statusCode() / 100 == 2) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(new DaprException(what, settings.host() + ":" + settings.httpPort(),
      response.statusCode(), response.bodyAsString()));
  }

  // ---------------------------------------------------------------- subscribing

  /**
   * Adds {@code handler} to the topic's deliveries as (part of) the consumer group {@code group}, and starts the
   * process's delivery endpoint if this is its first subscription. Several handlers of one group take turns.
   */
  @Override
  public Future<Void> subscribe(String topic, String group, EventHandler handler) {
    DaprAppEndpoint subscribed;
    try {
      checkedTopic(topic);
      Objects.requireNonNull(group, "group");
      Objects.requireNonNull(handler, "handler");
      synchronized (this) {
        if (endpoint == null) {
          endpoint = DaprAppEndpoint.acquire(vertx, settings, this);
        }
        subscribed = endpoint;
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return subscribed.add(topic, group, handler, retry, Vertx.currentContext(), this)
      .onSuccess(v -> LOG.info("Group {} subscribed to {} through Dapr pub/sub {}", group, topic, settings.pubsub()))
      .onFailure(error -> {
        synchronized (this) {
          if (endpoint == subscribed) {
            endpoint = null; // the endpoint could not listen; the next subscribe tries a new one
          }
        }
      });
  }

  /** The port the sidecar delivers to (the actual one when {@code dapr.app.port} is 0); fails before any subscribe. */
  public synchronized Future<Integer> appPort() {
    return endpoint == null
      ? Future.failedFuture(new IllegalStateException("no subscription yet: the delivery endpoint is not started"))
      : endpoint.port();
  }

  /** This process's {@code GET /dapr/subscribe} answer (every transport's subscriptions on this endpoint). */
  public synchronized JsonArray subscriptions() {
    return endpoint == null ? new JsonArray() : endpoint.subscriptions();
  }

  /** Withdraws this transport's handlers (the last transport of the process closes the endpoint), then the client. */
  @Override
  public Future<Void> close() {
    DaprAppEndpoint subscribed;
    synchronized (this) {
      subscribed = endpoint;
      endpoint = null;
    }
    Future<Void> released = subscribed == null ? Future.succeededFuture() : subscribed.release(this);
    return released.eventually(() -> {
      client.close();
      return Future.succeededFuture();
    });
  }

  private static String checkedTopic(String topic) {
    if (topic == null || !TOPIC_NAME.matcher(topic).matches()) {
      throw new IllegalArgumentException("Topic names are letters, digits, '.', '_' and '-'; got " + topic);
    }
    return topic;
  }

  /** The sidecar answered, but not with 2xx. */
  public static final class DaprException extends RuntimeException {

    private final int status;
    private final String body;

    public DaprException(String what, String sidecar, int status, String body) {
      super("Dapr sidecar at " + sidecar + " refused " + what + ": HTTP " + status + (body == null ? "" : " " + body));
      this.status = status;
      this.body = body;
    }

    public int status() {
      return status;
    }

    public String body() {
      return body;
    }
  }
}
