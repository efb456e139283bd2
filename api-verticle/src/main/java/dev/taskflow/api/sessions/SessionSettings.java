package dev.taskflow.api.sessions;

import io.vertx.core.json.JsonObject;

/**
 * How long a sign-in lasts.
 *
 * @param refreshTtlSeconds a refresh token's life ({@code auth.refresh.ttl.seconds}, 30 days); every renewal answers
 *                          a new one, so a session used at least that often never ends on its own
 * @param maxPerUser        sessions one user may have; a sign-in past it ends the least recently used one
 *                          ({@code auth.sessions.max.per.user})
 */
public record SessionSettings(long refreshTtlSeconds, int maxPerUser) {

  public static SessionSettings from(JsonObject config) {
    return new SessionSettings(
      Math.max(60, config.getLong("auth.refresh.ttl.seconds", 2_592_000L)),
      Math.max(1, config.getInteger("auth.sessions.max.per.user", 50)));
  }
}
