package dev.taskflow.core.outbox;

import dev.taskflow.core.db.Database;
import dev.taskflow.core.event.EventTypes;
import dev.taskflow.core.event.TaskflowEvent;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.core.transport.EventPublisher;
import dev.taskflow.core.transport.OutboxRecord;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The outbox relay")
class OutboxRelayTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  /** A broker stand-in that records what it acknowledged and can be "down". */
  static final class RecordingPublisher implements EventPublisher {
    final List<OutboxRecord> published = Collections.synchronizedList(new ArrayList<>());
    volatile boolean down;

    @Override
    public Future<Void> publish(List<OutboxRecord> records) {
      if (down) {
        return Future.failedFuture("broker down");
      }
      published.addAll(records);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> check() {
      return down ? Future.failedFuture("down") : Future.succeededFuture();
    }

    @Override
    public Future<Void> close() {
      return Future.succeededFuture();
    }

    List<String> ids() {
      synchronized (published) {
        return published.stream().map(r -> r.event().getString("id")).toList();
      }
    }
  }

  Vertx vertx;
  Pool pool;
  RecordingPublisher broker;
  OutboxWriter outbox = new OutboxWriter("test");

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    pool = Database.pool(vertx, db.settings());
    broker = new RecordingPublisher();
    await(pool.query("UPDATE outbox SET published_at = now() WHERE published_at IS NULL").execute());
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Not within 30 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  private String deployRelay(RecordingPublisher publisher) throws Exception {
    JsonObject config = db.config().put("relay.safety.poll.ms", 60_000L).put("relay.max.backoff.ms", 200L);
    return await(vertx.deployVerticle(new RelayVerticle((v, c) -> Future.succeededFuture(publisher)), new DeploymentOptions().setConfig(config)));
  }

  private UUID newUser() throws Exception {
    UUID id = UUID.randomUUID();
    await(pool.preparedQuery("INSERT INTO users (id, email, display_name) VALUES ($1, $2, 'T')")
      .execute(Tuple.of(id, id + "@example.com")));
    return id;
  }

  private TaskflowEvent append(UUID user, String subject) throws Exception {
    return await(pool.withTransaction(tx -> outbox.append(tx, user, EventTypes.TASK_CREATED, subject, null,
      new JsonObject())));
  }

  private long unpublished() throws Exception {
    return await(pool.query("SELECT count(*) FROM outbox WHERE published_at IS NULL").execute())
      .iterator().next().getLong(0);
  }

  @Test
  @DisplayName("publishes committed events promptly when notified, in each user's sequence order, each once")
  void publishesInOrder() throws Exception {
    deployRelay(broker);
    UUID ada = newUser();
    UUID bob = newUser();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      expected.add(append(i % 2 == 0 ? ada : bob, "t" + i).id().toString());
    }
    eventually(() -> broker.published.size() >= 10, "10 events published");
    assertThat(broker.ids()).containsExactlyElementsOf(expected);
    eventually(() -> {
      try {
        return unpublished() == 0;
      } catch (Exception e) {
        return false;
      }
    }, "rows marked published");
    Thread.sleep(300);
    assertThat(broker.published).hasSize(10);
  }

  @Test
  @DisplayName("a transaction holding its outbox row open for 5 s is published after the others, never skipped")
  void longTransaction() throws Exception {
    deployRelay(broker);
    UUID slowUser = newUser();
    Promise<Void> release = Promise.promise();
    Promise<TaskflowEvent> slowAppended = Promise.promise();
    Future<TaskflowEvent> slow = pool.withTransaction(tx -> outbox.append(tx, slowUser, EventTypes.TASK_CREATED,
        "slow", null, new JsonObject())
      .onSuccess(slowAppended::complete)
      .compose(event -> release.future().map(event)));
    TaskflowEvent slowEvent = await(slowAppended.future());

    List<String> others = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      others.add(append(newUser(), "fast" + i).id().toString());
    }
    eventually(() -> broker.published.size() >= 20, "the 20 fast events published while the slow one is open");
    assertThat(broker.ids()).containsExactlyElementsOf(others);

    vertx.setTimer(5_000, id -> release.complete());
    await(slow);
    eventually(() -> broker.published.size() >= 21, "the slow event published after it commits");
    assertThat(broker.ids()).hasSize(21).endsWith(slowEvent.id().toString());
    // its position is lower than the fast ones': a high-water mark would have skipped it
    long slowPosition = await(pool.preparedQuery("SELECT position FROM outbox WHERE event_id = $1")
      .execute(Tuple.of(slowEvent.id()))).iterator().next().getLong(0);
    assertThat(broker.published.get(0).position()).isGreaterThan(slowPosition);
  }

  @Test
  @DisplayName("while the broker is down events wait in the outbox; when it is back each is published once")
  void brokerDown() throws Exception {
    broker.down = true;
    deployRelay(broker);
    UUID user = newUser();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      expected.add(append(user, "t" + i).id().toString());
    }
    Thread.sleep(500);
    assertThat(broker.published).isEmpty();
    assertThat(unpublished()).isEqualTo(200);

    broker.down = false;
    eventually(() -> broker.published.size() >= 200, "200 events after the broker is back");
    Thread.sleep(300);
    assertThat(broker.ids()).containsExactlyElementsOf(expected);
    assertThat(unpublished()).isZero();
  }

  @Test
  @DisplayName("the lag gauges follow the relay's rounds: the rows held back by a broker outage show within seconds, "
    + "their age grows, and both read zero as soon as they are published, without waiting for housekeeping")
  void gaugesFollowTheRounds() throws Exception {
    broker.down = true;
    OutboxRelay relay = new OutboxRelay(vertx, pool, broker,
      new RelaySettings(100, java.time.Duration.ofMinutes(1), java.time.Duration.ofHours(1),
        java.time.Duration.ofMillis(100)));
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    relay.bindMetrics(registry);
    vertx.runOnContext(v -> relay.setActive(true));
    UUID user = newUser();
    for (int i = 0; i < 3; i++) {
      append(user, "t" + i);
      vertx.runOnContext(v -> relay.wake());
    }
    // each failed round retries within the backoff (100 ms, doubling to 100 ms) and reads the gauges again
    eventually(() -> registry.get("taskflow_outbox_unpublished_rows").gauge().value() == 3, "3 rows waiting");
    double age = registry.get("taskflow_outbox_lag_seconds").gauge().value();
    Thread.sleep(300);
    assertThat(registry.get("taskflow_outbox_lag_seconds").gauge().value()).isGreaterThan(age);

    broker.down = false;
    eventually(() -> broker.published.size() >= 3, "published");
    eventually(() -> registry.get("taskflow_outbox_unpublished_rows").gauge().value() == 0
      && registry.get("taskflow_outbox_lag_seconds").gauge().value() == 0, "gauges at zero");
  }

  @Test
  @DisplayName("housekeeping prunes rows published before the retention and reports the lag")
  void housekeeping() throws Exception {
    broker.down = true;
    OutboxRelay relay = new OutboxRelay(vertx, pool, broker,
      new RelaySettings(100, java.time.Duration.ofMinutes(1), java.time.Duration.ZERO, java.time.Duration.ofMillis(100)));
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    relay.bindMetrics(registry);
    UUID user = newUser();
    append(user, "a");
    append(user, "b");
    await(relay.housekeeping());
    assertThat(registry.get("taskflow_outbox_unpublished_rows").gauge().value()).isEqualTo(2);
    assertThat(registry.get("taskflow_outbox_lag_seconds").gauge().value()).isGreaterThanOrEqualTo(0);

    broker.down = false;
    vertx.runOnContext(v -> relay.setActive(true));
    eventually(() -> broker.published.size() >= 2, "published");
    eventually(() -> {
      try {
        return unpublished() == 0;
      } catch (Exception e) {
        return false;
      }
    }, "marked published");
    await(relay.housekeeping());
    assertThat(await(pool.query("SELECT count(*) FROM outbox").execute()).iterator().next().getLong(0)).isZero();
    assertThat(registry.get("taskflow_outbox_unpublished_rows").gauge().value()).isZero();
    assertThat(registry.get("taskflow_outbox_published").functionCounter().count()).isEqualTo(2);
  }

  @Test
  @DisplayName("of two relays on one database only the leader publishes; the standby takes over when it goes")
  void leaderElection() throws Exception {
    RecordingPublisher second = new RecordingPublisher();
    String first = deployRelay(broker);
    deployRelay(second);
    UUID user = newUser();
    for (int i = 0; i < 5; i++) {
      append(user, "t" + i);
    }
    eventually(() -> broker.published.size() >= 5, "the leader publishes");
    assertThat(second.published).isEmpty();

    await(vertx.undeploy(first));
    append(user, "after");
    eventually(() -> second.published.size() >= 1, "the standby publishes after the leader left");
    assertThat(broker.published).hasSize(5);
  }
}
