package dev.taskflow.core.transport;

import dev.taskflow.core.event.TaskflowEvent;
import io.vertx.core.Future;

import java.util.List;

/**
 * A handler that can take several consecutive events of one partition at once, in order, as one unit: the transport
 * acknowledges all of them when the future succeeds. When a batch fails the transport handles its events again one by
 * one through {@link #handle}, so a poison event is retried and dead-lettered on its own, and the batch's effects must
 * therefore be all-or-nothing (one database transaction) or idempotent.
 */
public interface BatchEventHandler extends EventHandler {

  Future<Void> handleBatch(List<TaskflowEvent> events);
}
