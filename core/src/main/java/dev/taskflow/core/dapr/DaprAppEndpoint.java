package dev.taskflow.core.dapr;

import dev.taskflow.core.consumer.Retrier;
import dev.taskflow.core.consumer.RetryPolicy;
import dev.taskflow.core.dapr.DaprTransport.DeliveryStatus;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.transport.EventHandler;
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
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;

/**
 * The one HTTP endpoint of a process that its Dapr sidecar delivers to ({@code dapr.app.host:dapr.app.port}), shared by
 * every {@link DaprTransport} of the process (every verticle makes its own transport). One endpoint matters: the
 * sidecar has one app port, and Vert.x would spread the requests to several servers on one port round-robin, so a
 * delivery could reach a verticle that does not handle its topic, and {@code GET /dapr/subscribe} would list only
 * some topics.
 *
 * <p>Serves {@code GET /dapr/subscribe}, {@code POST /dapr/deliver/<topic>} and {@code GET /healthz} (the sidecar's
 * app health check); see {@link DaprTransport}. The list is
 * answered only once no subscription has been added for {@link #SETTLE_MS}: Dapr reads it once, when it connects, and a
 * verticle's subscriptions follow one another right after the port opens.
 */
final class DaprAppEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(DaprAppEndpoint.class);
  static final long SETTLE_MS = 250;
  /**
   * How long a delivery that fails transiently is retried here before the answer is RETRY (the sidecar then redelivers,
   * without limit: see {@code dapr-components/resiliency.yaml}): two of the longest retry waits, 10 s by default,
   * below the Resiliency policy's delivery timeout (30 s).
   */
  static Duration transientHold(RetryPolicy retry) {
    return retry.max().multipliedBy(2);
  }

  private record Address(Vertx vertx, String host, int port) {
  }

  /** The endpoints of this JVM, one per Vert.x instance and address; guarded by itself. */
  private static final Map<Address, DaprAppEndpoint> ENDPOINTS = new HashMap<>();

  private final Address address;
  private final String pubsub;
  private final Promise<HttpServer> server = Promise.promise();
  /** topic → consumer group → its handlers in this process; guarded by {@code this}. */
  private final Map<String, Map<String, Group>> topics = new LinkedHashMap<>();
  private final List<Object> users = new ArrayList<>();
  private long lastChange = System.nanoTime();

  private DaprAppEndpoint(Address address, String pubsub) {
    this.address = address;
    this.pubsub = pubsub;
  }

  /**
   * Listens on a context of its own, not on the first subscriber's: a server belongs to the deployment it was started
   * from, and undeploying that one verticle must not take the other verticles' deliveries with it.
   */
  private void listen() {
    ContextInternal own = ((VertxInternal) address.vertx()).createEventLoopContext();
    own.runOnContext(v -> address.vertx()
      .createHttpServer(new HttpServerOptions().setHost(address.host()).setPort(address.port()))
      .requestHandler(this::onRequest)
      .listen()
      .onSuccess(s -> LOG.info("Listening for Dapr deliveries on {}:{}", address.host(), s.actualPort()))
      .onFailure(error -> {
        LOG.error("Cannot listen for Dapr deliveries on {}:{}", address.host(), address.port(), error);
        synchronized (ENDPOINTS) {
          ENDPOINTS.remove(address, this);
        }
      })
      .onComplete(server));
  }

  /** The endpoint for these settings, started by its first user. */
  static DaprAppEndpoint acquire(Vertx vertx, DaprSettings settings, Object user) {
    Address address = new Address(vertx, settings.appHost(), settings.appPort());
    DaprAppEndpoint endpoint;
    boolean created = false;
    synchronized (ENDPOINTS) {
      endpoint = ENDPOINTS.get(address);
      if (endpoint == null) {
        endpoint = new DaprAppEndpoint(address, settings.pubsub());
        ENDPOINTS.put(address, endpoint);
        created = true;
      } else if (!endpoint.pubsub.equals(settings.pubsub())) {
        throw new IllegalStateException("The Dapr endpoint on " + settings.appHost() + ":" + settings.appPort()
          + " serves pub/sub " + endpoint.pubsub + ", not " + settings.pubsub());
      }
      synchronized (endpoint) {
        if (!endpoint.users.contains(user)) {
          endpoint.users.add(user);
        }
      }
    }
    if (created) {
      endpoint.listen();
    }
    return endpoint;
  }

  /** Forgets the user's handlers; the last user closes the server. */
  Future<Void> release(Object user) {
    boolean last;
    synchronized (ENDPOINTS) {
      synchronized (this) {
        users.remove(user);
        topics.values().forEach(groups -> groups.values().forEach(group -> group.removeAll(user)));
        topics.values().forEach(groups -> groups.values().removeIf(Group::isEmpty));
        topics.values().removeIf(Map::isEmpty);
        last = users.isEmpty();
      }
      if (last) {
        ENDPOINTS.remove(address, this);
      }
    }
    return last
      ? onCallerContext(server.future().transform(ar -> ar.succeeded() ? ar.result().close() : Future.succeededFuture()))
      : Future.succeededFuture();
  }

  /** Adds a handler, run on {@code context} (its verticle's), once the server listens. */
  Future<Void> add(String topic, String group, EventHandler handler, RetryPolicy retry, Context context, Object user) {
    Retrier retrier = new Retrier(address.vertx(), retry, group).withTransientLimit(transientHold(retry));
    Registration registration = new Registration(handler, retrier, context, user);
    synchronized (this) {
      topics.computeIfAbsent(topic, t -> new LinkedHashMap<>()).computeIfAbsent(group, Group::new).add(registration);
      lastChange = System.nanoTime();
    }
    return onCallerContext(server.future().mapEmpty());
  }

  Future<Integer> port() {
    return onCallerContext(server.future().map(HttpServer::actualPort));
  }

  /** The future, completing on the caller's context (a verticle's start chain stays on its event loop). */
  private static <T> Future<T> onCallerContext(Future<T> future) {
    Context caller = Vertx.currentContext();
    if (caller == null) {
      return future;
    }
    Promise<T> promise = Promise.promise();
    future.onComplete(result -> caller.runOnContext(v -> promise.handle(result)));
    return promise.future();
  }

  /** The body of {@code GET /dapr/subscribe}: one programmatic subscription per topic. */
  synchronized JsonArray subscriptions() {
    JsonArray list = new JsonArray();
    for (String topic : topics.keySet()) {
      list.add(new JsonObject()
        .put("pubsubname", pubsub)
        .put("topic", topic)
        .put("route", DaprTransport.DELIVERY_PATH_PREFIX + topic)
        .put("deadLetterTopic", Topics.deadLetter(topic)));
    }
    return list;
  }

  private void onRequest(HttpServerRequest request) {
    String path = request.path();
    if (request.method() == HttpMethod.GET && DaprTransport.SUBSCRIBE_PATH.equals(path)) {
      answerSubscriptions(request);
    } else if (request.method() == HttpMethod.GET && DaprTransport.HEALTH_PATH.equals(path)) {
      // the sidecar's app health check (dapr.io/enable-app-health-check): deliveries can be taken
      request.response().setStatusCode(204).end();
    } else if (request.method() == HttpMethod.POST && path.startsWith(DaprTransport.DELIVERY_PATH_PREFIX)) {
      onDelivery(request, path.substring(DaprTransport.DELIVERY_PATH_PREFIX.length()));
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  private void answerSubscriptions(HttpServerRequest request) {
    long quietFor;
    synchronized (this) {
      quietFor = (System.nanoTime() - lastChange) / 1_000_000;
    }
    if (quietFor < SETTLE_MS) {
      address.vertx().setTimer(SETTLE_MS - quietFor, id -> answerSubscriptions(request));
      return;
    }
    JsonArray list = subscriptions();
    LOG.info("Dapr asked for the subscriptions: {}", list.encode());
    request.response()
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
      .end(list.encode());
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
    List<Future<DeliveryStatus>> results = new ArrayList<>(groups.size());
    for (Group group : groups) {
      Registration registration = group.next();
      if (registration != null) {
        results.add(registration.handle(event, "event " + event.id() + " of " + topic)
          .map(DeliveryStatus.SUCCESS)
          .otherwise(error -> {
            if (error instanceof Retrier.GaveUp) {
              LOG.error("Group {} gave up on {} {} from {}; asking Dapr to dead-letter it: {}", group.name,
                event.type(), event.id(), topic, error.getMessage());
              return DeliveryStatus.DROP;
            }
            LOG.warn("Group {} could not handle {} {} from {} yet; asking Dapr to deliver it again: {}", group.name,
              event.type(), event.id(), topic, error.toString());
            return DeliveryStatus.RETRY;
          }));
      }
    }
    if (results.isEmpty()) {
      // a subscriber that closed (shutting down) or has not subscribed yet: not the event's fault
      LOG.warn("No group handles {} here (yet); asking Dapr to retry event {}", topic, event.id());
      return Future.succeededFuture(DeliveryStatus.RETRY);
    }
    return Future.all(results).map(all -> combined(all.<DeliveryStatus>list()));
  }

  /**
   * RETRY while any group still wants the event again (the groups that succeeded find it processed next time), else
   * DROP when a group gave up on it (the sidecar dead-letters a dropped event), else SUCCESS.
   */
  static DeliveryStatus combined(List<DeliveryStatus> statuses) {
    if (statuses.contains(DeliveryStatus.RETRY)) {
      return DeliveryStatus.RETRY;
    }
    return statuses.contains(DeliveryStatus.DROP) ? DeliveryStatus.DROP : DeliveryStatus.SUCCESS;
  }

  /**
   * One handler, run on the context it was subscribed from (the event loop of its verticle), retried there by its
   * retrier: transient failures for up to {@link #transientHold}, others up to the retry policy's attempts.
   */
  private record Registration(EventHandler handler, Retrier retrier, Context context, Object user) {

    Future<Void> handle(TaskflowEvent event, String what) {
      if (context == null || context == Vertx.currentContext()) {
        return run(event, what);
      }
      Promise<Void> promise = Promise.promise();
      context.runOnContext(v -> run(event, what).onComplete(promise));
      return promise.future();
    }

    private Future<Void> run(TaskflowEvent event, String what) {
      return retrier.run(what, () -> handler.handle(event), () -> true, null);
    }
  }

  /** The handlers of one consumer group in this process; each delivery goes to the next one. */
  private static final class Group {

    private final String name;
    private final List<Registration> registrations = new ArrayList<>();
    private int turn;

    Group(String name) {
      this.name = name;
    }

    synchronized void add(Registration registration) {
      registrations.add(registration);
    }

    synchronized void removeAll(Object user) {
      registrations.removeIf(registration -> registration.user() == user);
    }

    synchronized boolean isEmpty() {
      return registrations.isEmpty();
    }

    synchronized Registration next() {
      if (registrations.isEmpty()) {
        return null;
      }
      return registrations.get(Math.floorMod(turn++, registrations.size()));
    }
  }
}
