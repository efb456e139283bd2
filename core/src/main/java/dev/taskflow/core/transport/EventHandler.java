package dev.taskflow.core.transport;

import dev.taskflow.core.event.TaskflowEvent;
import io.vertx.core.Future;

/** Handles one delivered event. A failed future asks for a redelivery (after a backoff). */
@FunctionalInterface
public interface EventHandler {

  Future<Void> handle(TaskflowEvent event);
}
