package dev.taskflow.bench;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits for a future or a condition from {@code main}, never from an event loop, and never without a limit. */
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

  /** Checks {@code condition} every 10 ms until it holds (true) or {@code limit} has passed (false). */
  static boolean until(BooleanSupplier condition, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }
}
