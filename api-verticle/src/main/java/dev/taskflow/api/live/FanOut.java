package dev.taskflow.api.live;

import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.transport.EventSubscriber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every event of {@code task-events} on {@code tasks.user.<userId>} (consumer group {@code live}), where each
 * node's bridge hands it to that user's browsers; with the clustered event bus a publish reaches every node. A
 * redelivery publishes again, which is harmless: clients merge by the user's {@code sequence}. A subscription that
 * cannot start (the broker is down) is retried, so the API serves meanwhile.
 */
public final class FanOut {

  private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);
  public static final String GROUP = "live";
  private static final long RETRY_MS = 5_000;

  private final Vertx vertx;
  private final EventSubscriber subscriber;
  private boolean closed;

  public FanOut(Vertx vertx, EventSubscriber subscriber) {
    this.vertx = vertx;
    this.subscriber = subscriber;
  }

  public void start() {
    EventBus eventBus = vertx.eventBus();
    subscriber.subscribe(Topics.TASK_EVENTS, GROUP, event -> publish(eventBus, event))
      .onSuccess(v -> LOG.info("Live updates: {} -> tasks.user.<id>", Topics.TASK_EVENTS))
      .onFailure(e -> {
        if (!closed) {
          LOG.warn("Live updates could not subscribe to {}, retrying in {} ms: {}", Topics.TASK_EVENTS, RETRY_MS,
            e.toString());
          vertx.setTimer(RETRY_MS, id -> start());
        }
      });
  }

  private static Future<Void> publish(EventBus eventBus, TaskflowEvent event) {
    eventBus.publish(Addresses.tasksOf(event.userId()), event.toJson());
    return Future.succeededFuture();
  }

  public Future<Void> close() {
    closed = true;
    return subscriber.close();
  }
}
