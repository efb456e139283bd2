package dev.taskflow.notifier.push;

import dev.taskflow.core.kafka.TestKafka;
import dev.taskflow.core.testing.TestDatabase;
import dev.taskflow.notifier.NotifierFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Push delivery retention")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushRetentionTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  NotifierFixture fixture;

  @BeforeAll
  void start() {
    fixture = new NotifierFixture(db, new JsonObject());
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  private UUID delivery(UUID subscription, UUID user, String state, int finishedDaysAgo) {
    UUID id = UUID.randomUUID();
    fixture.query("""
        INSERT INTO push_deliveries (id, subscription_id, user_id, event_id, reminder_id, fired_at, payload, state,
                                     attempts, created_at, finished_at)
        VALUES ($1, $2, $3, $4, $5, now(), '{}'::jsonb, $6, 1, now() - make_interval(days => $7 + 1),
                CASE WHEN $6 = 'pending' THEN NULL ELSE now() - make_interval(days => $7) END)
        """, id, subscription, user, UUID.randomUUID(), UUID.randomUUID(), state, finishedDaysAgo);
    return id;
  }

  @Test
  @DisplayName("deliveries finished longer ago than the retention go; newer and pending ones stay")
  void prunesFinishedOnly() {
    UUID user = fixture.user();
    UUID subscription = UUID.randomUUID();
    fixture.query("INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth) VALUES ($1, $2, $3, 'k', 'a')",
      subscription, user, "https://push.example.com/" + subscription);
    delivery(subscription, user, "delivered", 8);
    delivery(subscription, user, "failed", 30);
    UUID recent = delivery(subscription, user, "delivered", 6);
    UUID oldPending = delivery(subscription, user, "pending", 60);

    long pruned = TestKafka.await(new PushRetention(fixture.sql, Duration.ofDays(7)).prune());

    assertThat(pruned).isEqualTo(2);
    assertThat(fixture.query("SELECT id FROM push_deliveries WHERE subscription_id = $1", subscription))
      .extracting(row -> row.getUUID("id")).containsExactlyInAnyOrder(recent, oldPending);
    assertThat(TestKafka.await(new PushRetention(fixture.sql, Duration.ofDays(7)).prune())).isZero();
  }
}
