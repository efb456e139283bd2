package dev.taskflow.api.webhooks;

import dev.taskflow.api.http.Problem;
import dev.taskflow.api.tasks.Cursor;
import dev.taskflow.core.db.Transactions;
import dev.taskflow.core.tasks.Task;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** A user's webhooks and their deliveries. */
public final class WebhookRepository {

  /** The most webhooks one user may have. */
  public static final int MAX_PER_USER = 20;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One page of deliveries. */
  public record Page(JsonArray items, String nextCursor) {
  }

  private final Pool pool;

  public WebhookRepository(Pool pool) {
    this.pool = pool;
  }

  /** Creates a webhook with a fresh secret; the answer is the only time the secret is shown. */
  public Future<JsonObject> create(UUID userId, String url, List<String> events) {
    String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
    return Transactions.retrying(pool, tx -> tx.preparedQuery("SELECT id FROM users WHERE id = $1 FOR UPDATE")
      .execute(Tuple.of(userId))
      .compose(locked -> tx.preparedQuery(WebhookSql.COUNT).execute(Tuple.of(userId)))
      .compose(count -> {
        if (count.iterator().next().getLong(0) >= MAX_PER_USER) {
          throw Problem.conflict("You have " + MAX_PER_USER + " webhooks, the most allowed; delete one first.");
        }
        return tx.preparedQuery(WebhookSql.INSERT).execute(Tuple.of(UUID.randomUUID(), userId, url,
          events.toArray(String[]::new), secret));
      })
      .map(rows -> json(rows.iterator().next()).put("secret", secret)));
  }

  public Future<List<JsonObject>> list(UUID userId) {
    return pool.preparedQuery(WebhookSql.LIST).execute(Tuple.of(userId)).map(rows -> {
      List<JsonObject> webhooks = new ArrayList<>();
      rows.forEach(row -> webhooks.add(json(row)));
      return webhooks;
    });
  }

  public Future<JsonObject> find(UUID userId, UUID id) {
    return pool.preparedQuery(WebhookSql.BY_ID).execute(Tuple.of(id, userId)).map(rows -> {
      if (rows.size() == 0) {
        throw notFound(id);
      }
      return json(rows.iterator().next());
    });
  }

  /** Deletes a webhook; its queued deliveries go with it. */
  public Future<Void> delete(UUID userId, UUID id) {
    return pool.preparedQuery(WebhookSql.DELETE).execute(Tuple.of(id, userId)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw notFound(id);
      }
      return null;
    });
  }

  public Future<Page> deliveries(UUID userId, UUID id, Cursor after, int limit) {
    return find(userId, id).compose(webhook -> pool.preparedQuery(WebhookSql.DELIVERIES)
      .execute(Tuple.from(new Object[]{id, userId, after == null ? null : after.createdAt(),
        after == null ? null : after.id(), limit + 1}))
      .map(rows -> {
        JsonArray items = new JsonArray();
        Row last = null;
        for (Row row : rows) {
          if (items.size() == limit) {
            return new Page(items, new Cursor(last.getOffsetDateTime("created_at"), last.getUUID("id")).encode());
          }
          items.add(delivery(row));
          last = row;
        }
        return new Page(items, null);
      }));
  }

  private static JsonObject json(Row row) {
    return new JsonObject()
      .put("id", row.getUUID("id").toString())
      .put("url", row.getString("url"))
      .put("events", new JsonArray(Arrays.asList(row.getArrayOfStrings("events"))))
      .put("createdAt", Task.instant(row.getOffsetDateTime("created_at")));
  }

  private static JsonObject delivery(Row row) {
    return new JsonObject()
      .put("id", row.getUUID("id").toString())
      .put("eventId", row.getUUID("event_id").toString())
      .put("eventType", row.getString("event_type"))
      .put("state", row.getString("state"))
      .put("attempts", row.getInteger("attempts"))
      .put("nextAttemptAt", "pending".equals(row.getString("state"))
        ? Task.instant(row.getOffsetDateTime("next_attempt_at")) : null)
      .put("lastStatus", row.getInteger("last_status"))
      .put("lastError", row.getString("last_error"))
      .put("createdAt", Task.instant(row.getOffsetDateTime("created_at")))
      .put("finishedAt", Task.instant(row.getOffsetDateTime("finished_at")))
      .put("attemptLog", row.getValue("attempt_log"));
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static Problem notFound(UUID id) {
    return Problem.notFound("No webhook " + id + ".");
  }
}
