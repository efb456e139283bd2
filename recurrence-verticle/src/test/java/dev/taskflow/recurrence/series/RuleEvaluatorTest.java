package dev.taskflow.recurrence.series;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The rule evaluator")
class RuleEvaluatorTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("evaluates on the recurrence-rules worker pool, never on the caller's event loop")
  void onWorkers() throws Exception {
    RuleEvaluator evaluator = new RuleEvaluator(vertx, 2, 8, 1_000);
    Future<String> thread = Future.future(promise -> vertx.runOnContext(v ->
      evaluator.forRequest(() -> Thread.currentThread().getName()).onComplete(promise)));
    assertThat(await(thread)).startsWith(RuleEvaluator.POOL);
    assertThat(await(evaluator.forSpawn(() -> Thread.currentThread().getName()))).startsWith(RuleEvaluator.POOL);
  }

  @Test
  @DisplayName("refuses a user's request at once with a 503 while queue.limit evaluations run or wait; the spawner's "
    + "are never refused")
  void queueLimit() throws Exception {
    RuleEvaluator evaluator = new RuleEvaluator(vertx, 1, 2, 10_000);
    CountDownLatch release = new CountDownLatch(1);
    List<Future<Boolean>> held = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      held.add(evaluator.forRequest(() -> release.await(10, TimeUnit.SECONDS)));
    }
    Future<Object> refused = evaluator.forRequest(() -> "never runs");
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause()).isInstanceOf(SeriesProblem.class);
    assertThat(((SeriesProblem) refused.cause()).status()).isEqualTo(503);
    Future<String> spawn = evaluator.forSpawn(() -> "runs");
    release.countDown();
    for (Future<Boolean> f : held) {
      assertThat(await(f)).isTrue();
    }
    assertThat(await(spawn)).isEqualTo("runs");
    assertThat(await(evaluator.forRequest(() -> "room again"))).isEqualTo("room again");
  }

  @Test
  @DisplayName("a request that waited longer than the API waits for its answer is refused instead of run")
  void staleRequest() throws Exception {
    RuleEvaluator evaluator = new RuleEvaluator(vertx, 1, 8, 10_000);
    Future<Object> busy = evaluator.forSpawn(() -> {
      Thread.sleep(RuleEvaluator.MAX_WAIT_MS + 300);
      return null;
    });
    List<String> ran = new ArrayList<>();
    Future<Object> stale = evaluator.forRequest(() -> ran.add("ran"));
    await(busy);
    Throwable failure = stale.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(SeriesProblem.class);
    assertThat(ran).isEmpty();
  }
}
