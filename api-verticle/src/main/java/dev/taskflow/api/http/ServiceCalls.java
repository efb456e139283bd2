package dev.taskflow.api.http;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * Request/reply to another verticle over the event bus. A failure it answers with a 4xx code becomes that
 * {@link Problem} with its message; nobody answering, or in time, is a 503 that names the service.
 */
public final class ServiceCalls {

  private static final long TIMEOUT_MS = 5_000;

  private final EventBus eventBus;

  public ServiceCalls(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  /** @param service what to call the answering verticle in a 503, e.g. "The history service (audit verticle)" */
  public Future<JsonObject> ask(String address, JsonObject request, String service) {
    return eventBus.<JsonObject>request(address, request, new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
      .map(reply -> reply.body())
      .recover(e -> Future.failedFuture(problem(e, service)));
  }

  private static Problem problem(Throwable e, String service) {
    if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
      && reply.failureCode() >= 400 && reply.failureCode() < 500) {
      return new Problem(reply.failureCode(), reply.getMessage());
    }
    return new Problem(503, service + " did not answer; try again shortly.");
  }
}
