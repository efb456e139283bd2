package dev.taskflow.notifier.webhooks;

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

@DisplayName("Webhook delivery retention")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookRetentionTest {

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

  /** A delivery in a state, finished (when not pending) this many days ago, with one attempt. */
  private UUID delivery(UUID webhook, UUID user, String state, int finishedDaysAgo) {
    UUID id = UUID.randomUUID();
    fixture.query("""
        INSERT INTO webhook_deliveries (id, webhook_id, user_id, event_id, event_type, event, state, attempts,
                                        created_at, finished_at)
        VALUES ($1, $2, $3, $4, 'taskflow.reminder.triggered', '{}'::jsonb, $5, 1,
                now() - make_interval(days => $6 + 1),
                CASE WHEN $5 = 'pending' THEN NULL ELSE now() - make_interval(days => $6) END)
        """, id, webhook, user, UUID.randomUUID(), state, finishedDaysAgo);
    fixture.query("INSERT INTO webhook_attempts (delivery_id, attempt, started_at, duration_ms, status) "
      + "VALUES ($1, 1, now(), 5, 500)", id);
    return id;
  }

  @Test
  @DisplayName("deliveries finished longer ago than the retention go with their attempts; newer and pending ones stay")
  void prunesFinishedOnly() {
    UUID user = fixture.user();
    UUID webhook = fixture.webhook(user, "https://example.com/hook", "whsec_retention");
    UUID oldDelivered = delivery(webhook, user, "delivered", 31);
    UUID oldFailed = delivery(webhook, user, "failed", 45);
    UUID recent = delivery(webhook, user, "delivered", 29);
    UUID oldPending = delivery(webhook, user, "pending", 60);

    long pruned = TestKafka.await(new WebhookRetention(fixture.sql, Duration.ofDays(30)).prune());

    assertThat(pruned).isEqualTo(2);
    assertThat(fixture.query("SELECT id FROM webhook_deliveries WHERE webhook_id = $1", webhook))
      .extracting(row -> row.getUUID("id")).containsExactlyInAnyOrder(recent, oldPending);
    assertThat(fixture.count("SELECT count(*) FROM webhook_attempts WHERE delivery_id = ANY($1)",
      (Object) new UUID[] {oldDelivered, oldFailed})).as("their attempts").isZero();
    assertThat(TestKafka.await(new WebhookRetention(fixture.sql, Duration.ofDays(30)).prune()))
      .as("nothing left to prune").isZero();
  }
}
