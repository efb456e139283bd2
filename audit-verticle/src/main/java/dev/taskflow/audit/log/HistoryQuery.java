package dev.taskflow.audit.log;

import io.vertx.core.json.JsonObject;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A history request as it travels on {@code audit.history}. The API has checked the user's input; this only refuses
 * what would make a wrong or unbounded query.
 *
 * @param withoutType leave out the events of this type (the API reads a shared task's history for a member without
 *                    the account's own reminder events)
 * @param afterSequence only events after this per-user sequence (0: from the first)
 */
public record HistoryQuery(UUID userId, String type, String withoutType, String aggregateId, OffsetDateTime from,
                           OffsetDateTime to, long afterSequence, int limit) {

  public static final int MAX_LIMIT = 500;

  public static HistoryQuery from(JsonObject json) {
    int limit = json.getInteger("limit", 100);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT);
    }
    return new HistoryQuery(
      UUID.fromString(json.getString("userId")),
      json.getString("type"),
      json.getString("withoutType"),
      json.getString("aggregateId"),
      time(json.getString("from")),
      time(json.getString("to")),
      json.getLong("afterSequence", 0L),
      limit);
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("userId", userId.toString())
      .put("type", type)
      .put("withoutType", withoutType)
      .put("aggregateId", aggregateId)
      .put("from", from == null ? null : from.toString())
      .put("to", to == null ? null : to.toString())
      .put("afterSequence", afterSequence)
      .put("limit", limit);
  }

  private static OffsetDateTime time(String value) {
    return value == null ? null : OffsetDateTime.parse(value);
  }
}
