package dev.taskflow.core.dapr;

import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.transport.EventHandler;
import dev.taskflow.core.transport.EventPublisher;
import dev.taskflow.core.transport.EventSubscriber;
import dev.taskflow.core.transport.OutboxRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
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
 * <p><b>Subscribing.</b> The first {@link #subscribe} starts one HTTP server on {@code dapr.app.host:dapr.app.port}
 * (the sidecar's {@code --app-port}) serving the programmatic subscription list {@code GET /dapr/subscribe} (one entry
 * per topic: route {@code /dapr/deliver/<topic>}, dead-letter topic {@code <topic>.dlq}) and the deliveries,
 * {@code POST /dapr/deliver/<topic>}. A Dapr app id is one consumer group (the Kafka component's {@code consumerGroup}
 * is the app id), so all the groups subscribed in one process share the topic's one Dapr subscription: a delivery goes
 * to one handler of every group, on the context that group subscribed from, and the answer is {@code SUCCESS} when all
 * succeeded, {@code RETRY} when any failed (handlers are idempotent, so the groups that had succeeded change nothing
 * the next time), and {@code DROP} when the body is not a Taskflow CloudEvent.
 *
 * <p><b>Retries and dead letters are the sidecar's job.</b> The Resiliency policy in
 * {@code dapr-components/resiliency.yaml} (exponential backoff, 5 retries, on the pubsub component's inbound side)
 * redelivers after RETRY; once the retries are spent, and at once after DROP, Dapr publishes the event to the
 * subscription's dead-letter topic {@code <topic>.dlq}. Per-key order on delivery is the sidecar's too (the Kafka
 * component hands a partition's messages over one at a time).
 *
 * <p>Dapr reads {@code /dapr/subscribe} once, when it connects to the app's port: a process subscribes every topic it
 * needs during its start-up, before the sidecar can see the port.
 */
public final class DaprTransport implements EventPublisher, EventSubscriber {

  private static final Logger LOG = LoggerFactory.getLogger(DaprTransport.class);

  public static final String SUBSCRIBE_PATH = "/dapr/subscribe";
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
  private final WebClient client;
  /** topic → consumer group → the group's handlers in this process; guarded by {@code this}. */
  private final Map<String, Map<String, Group>> topics = new LinkedHashMap<>();
  private Future<HttpServer> server;

  private DaprTransport(Vertx vertx, DaprSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.client = WebClient.create(vertx);
  }

  public static DaprTransport create(Vertx vertx, DaprSettings settings) {
    return new DaprTransport(vertx, settings);
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
   * server the sidecar delivers to if this is the first subscription. Several handlers of one group take turns.
   */
  @Override
  public Future<Void> subscribe(String topic, String group, EventHandler handler) {
    checkedTopic(topic);
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(handler, "handler");
    Registration registration = new Registration(handler, Vertx.currentContext());
    synchronized (this) {
      topics.computeIfAbsent(topic, t -> new LinkedHashMap<>())
        .computeIfAbsent(group, Group::new)
        .add(registration);
    }
    return server()
      .onSuccess(s -> LOG.info("Group {} subscribed to {} through Dapr pub/sub {}", group, topic, settings.pubsub()))
      .onFailure(error -> unregister(topic, group, registration))
      .mapEmpty();
  }

  /** The port the sidecar delivers to (the actual one when {@code dapr.app.port} is 0); fails before any subscribe. */
  public synchronized Future<Integer> appPort() {
    return server == null
      ? Future.failedFuture(new IllegalStateException("no subscription yet: the delivery server is not started"))
      : server.map(HttpServer::actualPort);
  }

  /** The body of {@code GET /dapr/subscribe}: one programmatic subscription per topic. */
  public synchronized JsonArray subscriptions() {
    JsonArray list = new JsonArray();
    for (String topic : topics.keySet()) {
      list.add(new JsonObject()
        .put("pubsubname", settings.pubsub())
        .put("topic", topic)
        .put("route", DELIVERY_PATH_PREFIX + topic)
        .put("deadLetterTopic", Topics.deadLetter(topic)));
    }
    return list;
  }

  private synchronized Future<HttpServer> server() {
    if (server == null) {
      Future<HttpServer> listening = vertx
        .createHttpServer(new HttpServerOptions().setHost(settings.appHost()).setPort(settings.appPort()))
        .requestHandler(this::onRequest)
        .listen();
      server = listening;
      listening
        .onSuccess(s -> LOG.info("Listening for Dapr deliveries on {}:{}", settings.appHost(), s.actualPort()))
        .onFailure(error -> {
          LOG.error("Cannot listen for Dapr deliveries on {}:{}", settings.appHost(), settings.appPort(), error);
          synchronized (this) {
            if (server == listening) {
              server = null;
            }
          }
        });
    }
    return server;
  }

  private synchronized void unregister(String topic, String group, Registration registration) {
    Map<String, Group> groups = topics.get(topic);
    if (groups != null && groups.containsKey(group)) {
      groups.get(group).remove(registration);
      if (groups.get(group).isEmpty()) {
        groups.remove(group);
      }
      if (groups.isEmpty()) {
        topics.remove(topic);
      }
    }
  }

  private void onRequest(HttpServerRequest request) {
    String path = request.path();
    if (request.method() == HttpMethod.GET && SUBSCRIBE_PATH.equals(path)) {
      request.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(subscriptions().encode());
    } else if (request.method() == HttpMethod.POST && path.startsWith(DELIVERY_PATH_PREFIX)) {
      onDelivery(request, path.substring(DELIVERY_PATH_PREFIX.length()));
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  private void onDelivery(HttpServerRequest request, String topic) {
    Context here = Vertx.currentContext();
    request.body()
      .compose(body -> deliver(topic, body))
      .otherwise(DeliveryStatus.RETRY)
      .onSuccess(status -> {
        if (Vertx.currentContext() == here) {
          answer(request, status);
        } else {
          here.runOnContext(v -> answer(request, status));
        }
      });
  }

  private static void answer(HttpServerRequest request, DeliveryStatus status) {
    request.response()
      .setStatusCode(200)
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
      .end(new JsonObject().put("status", status.name()).encode());
  }

  /** Hands one delivered body to one handler of every group subscribed to {@code topic}. */
  Future<DeliveryStatus> deliver(String topic, Buffer body) {
    TaskflowEvent event;
    try {
      event = TaskflowEvent.fromJson(new JsonObject(body));
    } catch (RuntimeException e) {
      LOG.warn("Dropping a delivery on {} that is not a Taskflow CloudEvent (Dapr dead-letters it): {}", topic,
        e.toString());
      return Future.succeededFuture(DeliveryStatus.DROP);
    }
    List<Group> groups;
    synchronized (this) {
      groups = List.copyOf(topics.getOrDefault(topic, Map.of()).values());
    }
    if (groups.isEmpty()) {
      LOG.error("Dropping event {} delivered on {}: no group subscribed to it here", event.id(), topic);
      return Future.succeededFuture(DeliveryStatus.DROP);
    }
    List<Future<Void>> results = new ArrayList<>(groups.size());
    for (Group group : groups) {
      results.add(group.next().handle(event)
        .onFailure(error -> LOG.warn("Group {} failed on {} {} from {}; asking Dapr to retry: {}", group.name,
          event.type(), event.id(), topic, error.toString())));
    }
    return Future.join(results)
      .map(DeliveryStatus.SUCCESS)
      .otherwise(DeliveryStatus.RETRY);
  }

  /** Stops taking deliveries, then closes the HTTP client. Subscriptions are forgotten. */
  @Override
  public Future<Void> close() {
    Future<HttpServer> listening;
    synchronized (this) {
      listening = server;
      server = null;
      topics.clear();
    }
    Future<Void> closed = listening == null
      ? Future.succeededFuture()
      : listening.transform(ar -> ar.succeeded() ? ar.result().close() : Future.succeededFuture());
    return closed.eventually(() -> {
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

  /** One handler, run on the context it was subscribed from (the event loop of its verticle). */
  private record Registration(EventHandler handler, Context context) {

    Future<Void> handle(TaskflowEvent event) {
      if (context == null || context == Vertx.currentContext()) {
        return invoke(() -> handler.handle(event));
      }
      Promise<Void> promise = Promise.promise();
      context.runOnContext(v -> invoke(() -> handler.handle(event)).onComplete(promise));
      return promise.future();
    }

    private static Future<Void> invoke(Supplier<Future<Void>> call) {
      try {
        Future<Void> result = call.get();
        return result != null ? result : Future.failedFuture(new NullPointerException("handler returned null"));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
  }

  /** The handlers of one consumer group in this process; each delivery goes to the next one. */
  private static final class Group {

    private final String name;
    private final List<Registration> registrations = new ArrayList<>();
    private final AtomicInteger turn = new AtomicInteger();

    Group(String name) {
      this.name = name;
    }

    synchronized void add(Registration registration) {
      registrations.add(registration);
    }

    synchronized void remove(Registration registration) {
      registrations.remove(registration);
    }

    synchronized boolean isEmpty() {
      return registrations.isEmpty();
    }

    synchronized Registration next() {
      return registrations.get(Math.floorMod(turn.getAndIncrement(), registrations.size()));
    }
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
