package dev.taskflow.core.dapr;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Dapr sidecar ({@code daprd}) in tests: the part of its pub/sub HTTP contract Taskflow relies on,
 * with in-memory ordered topics instead of a broker. No daprd exists on the build machines; this is the only fake of
 * the Dapr path, and it follows the documented contract, not Taskflow's code:
 *
 * <ul>
 *   <li>Publish, {@code POST /v1.0/publish/<pubsubname>/<topic>[?metadata.<key>=...]}: 204 when stored, 404 for an
 *       unknown pub/sub name; a body with {@code Content-Type: application/cloudevents+json} is the CloudEvent and passes
 *       through (Dapr adds {@code topic}, {@code pubsubname} and trace attributes), any other content type is wrapped in
 *       a CloudEvent of type {@code com.dapr.event.sent}. This emulator takes JSON bodies only (else 400) —
 *       <a href="https://docs.dapr.io/reference/api/pubsub_api/">Pub/sub API reference</a> and
 *       <a href="https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-cloudevents/">Publishing
 *       and subscribing with CloudEvents</a>.</li>
 *   <li>Health, {@code GET /v1.0/healthz}: 204 —
 *       <a href="https://docs.dapr.io/reference/api/health_api/">Health API reference</a>.</li>
 *   <li>Programmatic subscriptions: the sidecar reads the app's {@code GET /dapr/subscribe} (entries
 *       {@code pubsubname}, {@code topic}, {@code route} or {@code routes.default}, {@code deadLetterTopic}) when it
 *       connects to the app —
 *       <a href="https://docs.dapr.io/developing-applications/building-blocks/pubsub/subscription-methods/">Declarative,
 *       streaming, and programmatic subscription types</a>.</li>
 *   <li>Delivery and the app's answer: {@code POST <route>} with the CloudEvent as
 *       {@code application/cloudevents+json}; a 2xx answer is read for {@code {"status": ...}} — {@code SUCCESS}, or no
 *       status / a body that is not JSON, acknowledges; {@code RETRY}, an unknown status, any non-2xx other than 404, or
 *       no answer at all, retries; {@code DROP} drops; 404 drops with an error logged ("Expected HTTP Response" in the
 *       <a href="https://docs.dapr.io/reference/api/pubsub_api/">Pub/sub API reference</a>).</li>
 *   <li>Retries: redelivery with exponential backoff up to {@code maxRetries} (the {@link #retryBudget(int)}, default 5;
 *       -1, as in {@code dapr-components/resiliency.yaml}, retries forever), so {@code 1 + budget} deliveries at most —
 *       <a href="https://docs.dapr.io/operations/resiliency/policies/">Resiliency policies</a>.</li>
 *   <li>Dead letters: when the retries are spent, or the app answered {@code DROP}, the event is published unchanged to
 *       the subscription's {@code deadLetterTopic} —
 *       <a href="https://docs.dapr.io/developing-applications/building-blocks/pubsub/pubsub-deadletter/">Dead Letter
 *       Topics</a>; DROP forwarding since <a href="https://github.com/dapr/dapr/pull/7097">dapr/dapr#7097</a>.</li>
 * </ul>
 *
 * <p>Each topic is delivered in order, one event at a time, per subscription (as the Kafka component does per
 * partition). For tests: {@link #messages}, {@link #attempts}, {@link #stop()} / {@link #start()} (the sidecar down and
 * back, its topics kept as a broker would keep them), and {@link #redeliverAll()} (at-least-once: everything again).
 */
public final class DaprSidecarEmulator {

  /** What a publish stored: the CloudEvent as it will be delivered, and what the publisher sent with it. */
  public record Message(JsonObject event, String contentType, String partitionKey) {

    public String id() {
      return event.getString("id");
    }
  }

  private enum Outcome { SUCCESS, RETRY, DROP, NOT_FOUND }

  private static final String CLOUDEVENTS_JSON = "application/cloudevents+json";
  private static final long DELIVERY_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final String pubsubName;
  private final WebClient client;
  private int retryBudget = 5;
  private Duration backoffInitial = Duration.ofMillis(10);
  private Duration backoffMax = Duration.ofMillis(200);

  // state below guarded by this
  private final Map<String, List<Message>> topics = new LinkedHashMap<>();
  private final Map<String, Subscription> subscriptions = new LinkedHashMap<>();
  private final List<Message> discarded = new ArrayList<>();
  private JsonArray appSubscriptions = new JsonArray();
  private HttpServer server;
  private int port;
  private String appHost;
  private int appPort;
  private boolean running;

  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  public DaprSidecarEmulator(Vertx vertx, String pubsubName) {
    this.vertx = vertx;
    this.pubsubName = pubsubName;
    this.client = WebClient.create(vertx);
  }

  /** How many times a failed delivery is retried before the event is dead-lettered (Dapr's {@code maxRetries}; -1: forever). */
  public DaprSidecarEmulator retryBudget(int retries) {
    this.retryBudget = retries;
    return this;
  }

  /** The wait before the first retry, doubling up to {@code max}. */
  public DaprSidecarEmulator backoff(Duration initial, Duration max) {
    this.backoffInitial = initial;
    this.backoffMax = max;
    return this;
  }

  // ---------------------------------------------------------------- lifecycle

  /** Starts (or restarts, on the same port) the sidecar's HTTP API, and resumes deliveries. */
  public Future<Void> start() {
    int wanted;
    synchronized (this) {
      wanted = port;
    }
    return vertx.createHttpServer()
      .requestHandler(this::onRequest)
      .listen(wanted, "127.0.0.1")
      .map(listening -> {
        synchronized (this) {
          server = listening;
          port = listening.actualPort();
          running = true;
        }
        pumpAll();
        return null;
      });
  }

  /** The sidecar goes down: its API refuses connections and nothing is delivered; stored events are kept. */
  public Future<Void> stop() {
    HttpServer listening;
    synchronized (this) {
      running = false;
      listening = server;
      server = null;
    }
    return listening == null ? Future.succeededFuture() : listening.close();
  }

  public Future<Void> close() {
    return stop().eventually(() -> {
      client.close();
      return Future.succeededFuture();
    });
  }

  /** The port of the sidecar's HTTP API ({@code DAPR_HTTP_PORT}). */
  public synchronized int port() {
    return port;
  }

  /**
   * Connects to the app as daprd does at start-up: reads its {@code GET /dapr/subscribe} and starts delivering every
   * listed topic of this pub/sub from the beginning of what is stored. Calling it again re-reads the list.
   */
  public Future<Void> connectApp(String host, int appPort) {
    return client.get(appPort, host, "/dapr/subscribe")
      .timeout(DELIVERY_TIMEOUT_MS)
      .send()
      .map(response -> {
        if (response.statusCode() != 200) {
          throw new IllegalStateException("GET /dapr/subscribe answered " + response.statusCode());
        }
        JsonArray list = response.bodyAsJsonArray();
        synchronized (this) {
          this.appHost = host;
          this.appPort = appPort;
          this.appSubscriptions = list.copy();
          for (Object item : list) {
            JsonObject entry = (JsonObject) item;
            if (!pubsubName.equals(entry.getString("pubsubname"))) {
              continue;
            }
            String route = entry.getString("route");
            if (route == null && entry.getJsonObject("routes") != null) {
              route = entry.getJsonObject("routes").getString("default");
            }
            String topic = entry.getString("topic");
            subscriptions.computeIfAbsent(topic, Subscription::new)
              .configure(route, entry.getString("deadLetterTopic"));
          }
        }
        pumpAll();
        return null;
      });
  }

  // ---------------------------------------------------------------- what tests look at

  /** What is stored on a topic, in publication order. */
  public synchronized List<Message> messages(String topic) {
    return List.copyOf(topics.getOrDefault(topic, List.of()));
  }

  /** The CloudEvents stored on a topic, in publication order. */
  public List<JsonObject> events(String topic) {
    return messages(topic).stream().map(Message::event).toList();
  }

  /** How many times the event with this CloudEvent id was delivered to the app from {@code topic}. */
  public int attempts(String topic, String eventId) {
    AtomicInteger count = attempts.get(topic + "/" + eventId);
    return count == null ? 0 : count.get();
  }

  /** How many times the event with this CloudEvent id was delivered to the app, from any topic. */
  public int attempts(String eventId) {
    return attempts.entrySet().stream()
      .filter(entry -> entry.getKey().endsWith("/" + eventId))
      .mapToInt(entry -> entry.getValue().get())
      .sum();
  }

  /** Events dropped without a dead-letter topic to go to (or answered 404). */
  public synchronized List<Message> discarded() {
    return List.copyOf(discarded);
  }

  /** The app's last {@code GET /dapr/subscribe} answer. */
  public synchronized JsonArray appSubscriptions() {
    return appSubscriptions.copy();
  }

  /** Delivers every stored event again, from the start of each topic (at-least-once means this can happen). */
  public void redeliverAll() {
    synchronized (this) {
      subscriptions.values().forEach(Subscription::rewind);
    }
    pumpAll();
  }

  // ---------------------------------------------------------------- the sidecar's HTTP API

  private void onRequest(HttpServerRequest request) {
    String path = request.path();
    if (request.method() == HttpMethod.GET && "/v1.0/healthz".equals(path)) {
      request.response().setStatusCode(204).end();
    } else if (request.method() == HttpMethod.POST && path.startsWith("/v1.0/publish/")) {
      String[] parts = path.substring("/v1.0/publish/".length()).split("/", 2);
      if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        error(request, 404, "ERR_PUBSUB_EMPTY", "pubsub name and topic are required");
      } else {
        onPublish(request, parts[0], parts[1]);
      }
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  private void onPublish(HttpServerRequest request, String pubsub, String topic) {
    if (!pubsubName.equals(pubsub)) {
      error(request, 404, "ERR_PUBSUB_NOT_FOUND", "pubsub " + pubsub + " not found");
      return;
    }
    request.body().onSuccess(body -> {
      JsonObject json;
      try {
        json = new JsonObject(body);
      } catch (RuntimeException e) {
        error(request, 400, "ERR_PUBSUB_CLOUD_EVENTS_SER", "the body is not JSON: " + e.getMessage());
        return;
      }
      String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
      JsonObject event = contentType != null && contentType.startsWith(CLOUDEVENTS_JSON)
        ? withDaprAttributes(json.copy(), topic)
        : withDaprAttributes(wrap(json, contentType), topic);
      append(topic, new Message(event, contentType, request.getParam("metadata.partitionKey")));
      request.response().setStatusCode(204).end();
    });
  }

  /** What Dapr does with a body that is not a CloudEvent: puts it in one. */
  private static JsonObject wrap(JsonObject data, String contentType) {
    return new JsonObject()
      .put("specversion", "1.0")
      .put("id", UUID.randomUUID().toString())
      .put("source", "emulated-app")
      .put("type", "com.dapr.event.sent")
      .put("datacontenttype", contentType == null ? "text/plain" : contentType)
      .put("data", data);
  }

  /** The attributes Dapr adds to every event it publishes (when the publisher did not set them). */
  private JsonObject withDaprAttributes(JsonObject event, String topic) {
    String traceparent = "00-" + HexFormat.of().formatHex(randomBytes(16)) + "-"
      + HexFormat.of().formatHex(randomBytes(8)) + "-01";
    if (!event.containsKey("topic")) {
      event.put("topic", topic);
    }
    if (!event.containsKey("pubsubname")) {
      event.put("pubsubname", pubsubName);
    }
    if (!event.containsKey("traceparent")) {
      event.put("traceid", traceparent).put("traceparent", traceparent).put("tracestate", "");
    }
    return event;
  }

  private static byte[] randomBytes(int count) {
    byte[] bytes = new byte[count];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  private static void error(HttpServerRequest request, int status, String code, String message) {
    request.response()
      .setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
      .end(new JsonObject().put("errorCode", code).put("message", message).encode());
  }

  private void append(String topic, Message message) {
    Subscription subscription;
    synchronized (this) {
      topics.computeIfAbsent(topic, t -> new ArrayList<>()).add(message);
      subscription = subscriptions.get(topic);
    }
    if (subscription != null) {
      pump(subscription);
    }
  }

  // ---------------------------------------------------------------- delivery to the app

  private void pumpAll() {
    List<Subscription> all;
    synchronized (this) {
      all = List.copyOf(subscriptions.values());
    }
    all.forEach(this::pump);
  }

  /** Delivers the subscription's next event, if it is idle and there is one; then the one after, and so on. */
  private void pump(Subscription subscription) {
    Message message;
    int index;
    int generation;
    synchronized (this) {
      List<Message> stored = topics.getOrDefault(subscription.topic, List.of());
      if (!running || subscription.busy || subscription.route == null || subscription.cursor >= stored.size()) {
        return;
      }
      index = subscription.cursor;
      generation = subscription.generation;
      message = stored.get(index);
      subscription.busy = true;
    }
    process(subscription, message, 0).onComplete(settled -> {
      synchronized (this) {
        subscription.busy = false;
        if (settled.succeeded() && settled.result() && subscription.generation == generation) {
          subscription.cursor = index + 1;
        }
      }
      pump(subscription);
    });
  }

  /** Delivers one event until it is acknowledged, dropped or dead-lettered (true), or the sidecar stops (false). */
  private Future<Boolean> process(Subscription subscription, Message message, int retries) {
    synchronized (this) {
      if (!running) {
        return Future.succeededFuture(false);
      }
    }
    attempts.computeIfAbsent(subscription.topic + "/" + message.id(), key -> new AtomicInteger()).incrementAndGet();
    return post(subscription.route, message).compose(outcome -> switch (outcome) {
      case SUCCESS -> Future.succeededFuture(true);
      case DROP -> deadLetter(subscription, message);
      case NOT_FOUND -> {
        synchronized (this) {
          discarded.add(message);
        }
        yield Future.succeededFuture(true);
      }
      case RETRY -> retryBudget >= 0 && retries >= retryBudget
        ? deadLetter(subscription, message)
        : later(backoff(retries)).compose(v -> process(subscription, message, retries + 1));
    });
  }

  private Future<Outcome> post(String route, Message message) {
    String host;
    int targetPort;
    synchronized (this) {
      host = appHost;
      targetPort = appPort;
    }
    return client.post(targetPort, host, route)
      .putHeader(HttpHeaders.CONTENT_TYPE.toString(), CLOUDEVENTS_JSON)
      .timeout(DELIVERY_TIMEOUT_MS)
      .sendBuffer(message.event().toBuffer())
      .map(DaprSidecarEmulator::outcomeOf)
      .otherwise(Outcome.RETRY);
  }

  private static Outcome outcomeOf(HttpResponse<Buffer> response) {
    if (response.statusCode() == 404) {
      return Outcome.NOT_FOUND;
    }
    if (response.statusCode() / 100 != 2) {
      return Outcome.RETRY;
    }
    String status;
    try {
      Buffer body = response.body();
      status = body == null || body.length() == 0 ? null : new JsonObject(body).getString("status");
    } catch (RuntimeException e) {
      return Outcome.SUCCESS; // a 2xx whose body is not the status object is an acknowledgement
    }
    if (status == null || status.isEmpty()) {
      return Outcome.SUCCESS;
    }
    return switch (status.toUpperCase(Locale.ROOT)) {
      case "SUCCESS" -> Outcome.SUCCESS;
      case "DROP" -> Outcome.DROP;
      default -> Outcome.RETRY; // RETRY, and any status Dapr does not know
    };
  }

  private Future<Boolean> deadLetter(Subscription subscription, Message message) {
    if (subscription.deadLetterTopic == null) {
      synchronized (this) {
        discarded.add(message);
      }
    } else {
      append(subscription.deadLetterTopic, message);
    }
    return Future.succeededFuture(true);
  }

  private long backoff(int retries) {
    long millis = backoffInitial.toMillis();
    for (int i = 0; i < retries && millis < backoffMax.toMillis(); i++) {
      millis *= 2;
    }
    return Math.min(millis, backoffMax.toMillis());
  }

  private Future<Void> later(long millis) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(Math.max(1, millis), id -> promise.complete());
    return promise.future();
  }

  /** One programmatic subscription: a topic delivered to a route, in order, one event at a time. */
  private static final class Subscription {

    final String topic;
    String route;
    String deadLetterTopic;
    int cursor;
    int generation;
    boolean busy;

    Subscription(String topic) {
      this.topic = topic;
    }

    void configure(String route, String deadLetterTopic) {
      this.route = route;
      this.deadLetterTopic = deadLetterTopic;
    }

    void rewind() {
      cursor = 0;
      generation++;
    }
  }

  /** The number of stored events per topic, for failure messages. */
  @Override
  public synchronized String toString() {
    Map<String, Integer> sizes = new HashMap<>();
    topics.forEach((topic, stored) -> sizes.put(topic, stored.size()));
    return "DaprSidecarEmulator" + sizes;
  }
}
