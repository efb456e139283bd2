package dev.taskflow.api.accounts;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A user account as the API shows it. */
public record Account(UUID id, String email, String displayName, OffsetDateTime createdAt) {

  static Account from(Row row) {
    return new Account(row.getUUID("id"), row.getString("email"), row.getString("display_name"),
      row.getOffsetDateTime("created_at"));
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("id", id.toString())
      .put("email", email)
      .put("displayName", displayName)
      .put("createdAt", createdAt.toInstant().toString());
  }
}
