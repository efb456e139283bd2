package dev.taskflow.api.tasks;

import dev.taskflow.api.http.Problem;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/**
 * An opaque position in a task list: the (created_at, id) of the last task of a page, base64url-encoded. Clients
 * pass it back as it is; a cursor that does not decode is a 400. Other lists keyed on (a time, an id) use it too.
 */
public record Cursor(OffsetDateTime createdAt, UUID id) {

  public String encode() {
    String json = new JsonObject().put("c", createdAt.toString()).put("i", id.toString()).encode();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  public static Cursor decode(String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      JsonObject json = new JsonObject(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
      return new Cursor(OffsetDateTime.parse(json.getString("c")), UUID.fromString(json.getString("i")));
    } catch (RuntimeException e) {
      throw Problem.badRequest("cursor is not one this server gave out; pass nextCursor back unchanged.");
    }
  }
}
