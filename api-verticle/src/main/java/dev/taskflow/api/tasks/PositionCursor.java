package dev.taskflow.api.tasks;

import dev.taskflow.api.http.Problem;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * An opaque position in a list kept in manual order ({@code sort=manual}): the (position, id) of a page's last task,
 * base64url-encoded. A cursor of the other order, or one that does not decode, is a 400.
 */
public record PositionCursor(long position, UUID id) {

  public String encode() {
    String json = new JsonObject().put("p", position).put("i", id.toString()).encode();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  public static PositionCursor decode(String cursor) {
    if (cursor == null) {
      return null;
    }
    try {
      JsonObject json = new JsonObject(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
      return new PositionCursor(json.getLong("p"), UUID.fromString(json.getString("i")));
    } catch (RuntimeException e) {
      throw Problem.badRequest("cursor is not one this server gave out for sort=manual; pass nextCursor back "
        + "unchanged, with the same sort.");
    }
  }
}
