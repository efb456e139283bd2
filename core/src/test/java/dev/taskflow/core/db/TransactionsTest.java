package dev.taskflow.core.db;

import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Transactions.retrying")
class TransactionsTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  Vertx vertx;
  Pool pool;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    pool = Database.pool(vertx, db.settings());
  }

  @AfterEach
  void stop() throws Exception {
    await(pool.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private UUID user() throws Exception {
    UUID id = UUID.randomUUID();
    await(pool.preparedQuery("INSERT INTO users (id, email, display_name) VALUES ($1, $2, 'T')")
      .execute(Tuple.of(id, id + "@example.com")));
    return id;
  }

  private static Future<Void> bump(SqlConnection tx, UUID user) {
    return tx.preparedQuery("UPDATE users SET event_seq = event_seq + 1 WHERE id = $1").execute(Tuple.of(user))
      .mapEmpty();
  }

  @Test
  @DisplayName("two writers locking two rows in opposite orders: PostgreSQL rolls one back, it runs again, both land")
  void deadlockRetried() throws Exception {
    UUID first = user();
    UUID second = user();
    AtomicInteger attempts = new AtomicInteger();
    // each holds its first row until the other holds its own: the second locks close a cycle
    Promise<Void> oneHolds = Promise.promise();
    Promise<Void> otherHolds = Promise.promise();
    Future<Void> one = Transactions.retrying(pool, tx -> {
      attempts.incrementAndGet();
      return bump(tx, first).onSuccess(v -> oneHolds.tryComplete()).compose(v -> otherHolds.future())
        .compose(v -> bump(tx, second));
    });
    Future<Void> other = Transactions.retrying(pool, tx -> {
      attempts.incrementAndGet();
      return bump(tx, second).onSuccess(v -> otherHolds.tryComplete()).compose(v -> oneHolds.future())
        .compose(v -> bump(tx, first));
    });
    await(Future.all(one, other));
    assertThat(attempts).as("two first attempts and the victim's second").hasValue(3);
    assertThat(await(pool.preparedQuery("SELECT sum(event_seq) FROM users WHERE id = ANY($1)")
      .execute(Tuple.of(new UUID[]{first, second}))).iterator().next().getLong(0))
      .as("each writer's two updates, once").isEqualTo(4);
  }

  @Test
  @DisplayName("any other failure is the caller's at once, tried once and rolled back")
  void otherFailuresNotRetried() throws Exception {
    UUID user = user();
    AtomicInteger attempts = new AtomicInteger();
    Future<Void> failed = Transactions.retrying(pool, tx -> {
      attempts.incrementAndGet();
      return bump(tx, user).compose(v -> tx.preparedQuery("INSERT INTO users (id, email, display_name) "
        + "VALUES ($1, 'x', 'T')").execute(Tuple.of(user)).mapEmpty());
    });
    assertThatThrownBy(() -> await(failed)).isInstanceOf(ExecutionException.class)
      .cause().isInstanceOf(PgException.class).hasMessageContaining("23505");
    assertThat(attempts).hasValue(1);
    assertThat(await(pool.preparedQuery("SELECT event_seq FROM users WHERE id = $1").execute(Tuple.of(user)))
      .iterator().next().getLong(0)).isZero();
  }
}
