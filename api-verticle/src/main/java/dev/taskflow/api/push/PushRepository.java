package dev.taskflow.api.push;

import dev.taskflow.api.http.Problem;
import dev.taskflow.core.db.Transactions;
import dev.taskflow.core.tasks.Task;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** A user's push subscriptions, one per device (endpoint). */
public final class PushRepository {

  /** A stored subscription, and whether this call created it. */
  public record Stored(JsonObject subscription, boolean created) {
  }

  private final Pool pool;
  private final int perUser;

  public PushRepository(Pool pool, int perUser) {
    this.pool = pool;
    this.perUser = perUser;
  }

  /**
   * Stores the device's subscription, or updates the one with the same endpoint; under the user's row lock, so two
   * devices subscribing at once cannot pass the limit together. The endpoint is taken from any other user who had it
   * (the same browser, signed in as someone else before), so their reminders stop reaching this browser.
   */
  public Future<Stored> upsert(UUID userId, String endpoint, String p256dh, String auth, String userAgent) {
    return Transactions.retrying(pool, tx -> tx.preparedQuery(PushSql.LOCK_USER).execute(Tuple.of(userId))
      .compose(locked -> tx.preparedQuery(PushSql.TAKE_OVER).execute(Tuple.of(endpoint, userId)))
      .compose(taken -> tx.preparedQuery(PushSql.COUNT_OTHERS).execute(Tuple.of(userId, endpoint)))
      .compose(count -> {
        if (count.iterator().next().getLong(0) >= perUser) {
          throw Problem.conflict("You have push enabled on " + perUser + " devices, the most allowed; turn it off on "
            + "one first (DELETE /api/v1/push/subscriptions/{id}).");
        }
        return tx.preparedQuery(PushSql.UPSERT)
          .execute(Tuple.from(new Object[]{UUID.randomUUID(), userId, endpoint, p256dh, auth, userAgent}));
      })
      .map(rows -> {
        Row row = rows.iterator().next();
        return new Stored(json(row), row.getBoolean("inserted"));
      }));
  }

  public Future<JsonArray> list(UUID userId) {
    return pool.preparedQuery(PushSql.LIST).execute(Tuple.of(userId, perUser)).map(rows -> {
      JsonArray items = new JsonArray();
      rows.forEach(row -> items.add(json(row).put("lastDelivery", row.getString("last_state") == null ? null
        : new JsonObject()
          .put("state", row.getString("last_state"))
          .put("attempts", row.getInteger("last_attempts"))
          .put("lastStatus", row.getInteger("last_status"))
          .put("lastError", row.getString("last_error"))
          .put("createdAt", Task.instant(row.getOffsetDateTime("last_at")))
          .put("finishedAt", Task.instant(row.getOffsetDateTime("last_finished_at"))))));
      return items;
    });
  }

  public Future<Void> delete(UUID userId, UUID id) {
    return pool.preparedQuery(PushSql.DELETE).execute(Tuple.of(id, userId)).map(rows -> {
      if (rows.rowCount() == 0) {
        throw Problem.notFound("No push subscription " + id + ".");
      }
      return null;
    });
  }

  private static JsonObject json(Row row) {
    return new JsonObject()
      .put("id", row.getUUID("id").toString())
      .put("endpoint", row.getString("endpoint"))
      .put("userAgent", row.getString("user_agent"))
      .put("createdAt", Task.instant(row.getOffsetDateTime("created_at")))
      .put("updatedAt", Task.instant(row.getOffsetDateTime("updated_at")));
  }
}
