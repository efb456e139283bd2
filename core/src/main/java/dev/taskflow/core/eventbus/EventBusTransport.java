package dev.taskflow.core.eventbus;

import dev.taskflow.core.consumer.Retrier;
import dev.taskflow.core.consumer.RetryPolicy;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.transport.EventHandler;
import dev.taskflow.core.transport.EventPublisher;
import dev.taskflow.core.transport.EventSubscriber;
import dev.taskflow.core.transport.OutboxRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The broker-less transport ({@code transport: eventbus}): the relay publishes each event on the event-bus address
 * {@code topic.<topic>}, and every subscriber of the topic receives it. Durability is the outbox's alone: an event is
 * marked published once handed to the bus, so a subscriber that is down then misses it. Meant for a single process
 * and for tests; use Kafka or Dapr when events must survive restarts.
 */
public final class EventBusTransport implements EventPublisher, EventSubscriber {

  private static final Logger LOG = LoggerFactory.getLogger(EventBusTransport.class);

  private final Vertx vertx;
  private final RetryPolicy retry;
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private volatile boolean closed;

  public EventBusTransport(Vertx vertx, RetryPolicy retry) {
    this.vertx = vertx;
    this.retry = retry;
  }

  public static String address(String topic) {
    return "topic." + topic;
  }

  @Override
  public Future<Void> publish(List<OutboxRecord> records) {
    for (OutboxRecord record : records) {
      vertx.eventBus().publish(address(record.topic()), record.event(),
        new DeliveryOptions().addHeader("key", record.key()));
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> check() {
    return Future.succeededFuture();
  }

  /**
   * Events are handled one after another in arrival order. A failing handler is retried by a {@link Retrier}: for as
   * long as it fails transiently, else up to the retry policy's attempts; after that the event is published on
   * {@code topic.<topic>.dlq} and the next one is handled.
   */
  @Override
  public Future<Void> subscribe(String topic, String group, EventHandler handler) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address(topic));
    Retrier retrier = new Retrier(vertx, retry, group);
    Future<?>[] previous = {Future.succeededFuture()};
    consumer.handler(message -> {
      JsonObject body = message.body();
      previous[0] = previous[0].eventually(() -> deliver(topic, group, handler, retrier, body));
    });
    consumers.add(consumer);
    return consumer.completion();
  }

  private Future<Void> deliver(String topic, String group, EventHandler handler, Retrier retrier, JsonObject body) {
    TaskflowEvent event;
    try {
      event = TaskflowEvent.fromJson(body);
    } catch (RuntimeException notAnEvent) {
      return deadLetter(topic, group, body, notAnEvent);
    }
    return retrier.run("event " + event.id() + " of " + topic, () -> handler.handle(event), () -> !closed, null)
      .recover(error -> error instanceof Retrier.GaveUp
        ? deadLetter(topic, group, body, error.getCause())
        : Future.succeededFuture());
  }

  private Future<Void> deadLetter(String topic, String group, JsonObject body, Throwable error) {
    LOG.error("Group {} dead-lettered event {} of {}: {}", group, body.getString("id"), topic, error.toString());
    vertx.eventBus().publish(address(Topics.deadLetter(topic)), body);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    closed = true;
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }
}
