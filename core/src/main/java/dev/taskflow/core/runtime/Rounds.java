package dev.taskflow.core.runtime;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;

import java.util.function.Supplier;

/**
 * Rounds of work that never overlap, for a loop woken by notifications: {@link #request()} starts a round now, or, when
 * one is running, one more right after it (however many requests came meanwhile). When a round ends with nothing more
 * requested, or fails, {@code settled} gets its result (to arm a timer, or back off and retry). Used from one event
 * loop only.
 */
public final class Rounds<T> {

  private final Supplier<Future<T>> round;
  private final Handler<AsyncResult<T>> settled;
  private boolean running;
  private boolean again;

  public Rounds(Supplier<Future<T>> round, Handler<AsyncResult<T>> settled) {
    this.round = round;
    this.settled = settled;
  }

  public void request() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    Future<T> result;
    try {
      result = round.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(done -> {
      running = false;
      if (done.succeeded() && again) {
        request();
      } else {
        settled.handle(done);
      }
    });
  }
}
