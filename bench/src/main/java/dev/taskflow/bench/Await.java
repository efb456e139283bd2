package dev.taskflow.bench;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Waits for a future from {@code main}, never from an event loop, and never without a limit. */
final class Await {

  private Await() {
  }

  static <T> T result(Future<T> future, Duration limit) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
