package dev.taskflow.core.transport;

import dev.taskflow.core.consumer.RetryPolicy;
import dev.taskflow.core.dapr.DaprSettings;
import dev.taskflow.core.dapr.DaprTransport;
import dev.taskflow.core.eventbus.EventBusTransport;
import dev.taskflow.core.kafka.KafkaSettings;
import dev.taskflow.core.kafka.KafkaTransport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;

/**
 * The transport named by {@code transport}: {@code kafka} (the default; the launcher starts an embedded broker when
 * {@code kafka.bootstrap} is empty), {@code dapr} (the sidecar's pub/sub HTTP API), or {@code eventbus} (no broker). Each verticle makes its own, on its own context.
 */
public final class Transports {

  public static final String KAFKA = "kafka";
  public static final String DAPR = "dapr";
  public static final String EVENTBUS = "eventbus";
  public static final List<String> KINDS = List.of(KAFKA, DAPR, EVENTBUS);

  private Transports() {
  }

  /** The configured kind, checked. */
  public static String kind(JsonObject config) {
    String kind = config.getString("transport", KAFKA).trim().toLowerCase(Locale.ROOT);
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("transport must be one of " + KINDS + ", not '" + kind + "'");
    }
    return kind;
  }

  public static Future<EventPublisher> publisher(Vertx vertx, JsonObject config) {
    return create(vertx, config).map(t -> (EventPublisher) t);
  }

  public static Future<EventSubscriber> subscriber(Vertx vertx, JsonObject config) {
    return create(vertx, config).map(t -> (EventSubscriber) t);
  }

  private static Future<Object> create(Vertx vertx, JsonObject config) {
    String kind;
    try {
      kind = kind(config);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (KAFKA.equals(kind)) {
      KafkaTransport kafka = KafkaTransport.create(vertx, KafkaSettings.from(config));
      return kafka.start().map(kafka);
    }
    if (DAPR.equals(kind)) {
      return Future.succeededFuture(DaprTransport.create(vertx, DaprSettings.from(config), RetryPolicy.from(config)));
    }
    return Future.succeededFuture(new EventBusTransport(vertx, RetryPolicy.from(config)));
  }
}
