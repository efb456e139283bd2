package dev.taskflow.api.sessions;

import io.vertx.core.json.JsonObject;

/**
 * How long a sign-in lasts.
 *
 * @param refreshTtlSeconds a refresh token's life ({@code auth.refresh.ttl.seconds}, 30 days); every renewal answers
 *                          a new one, so a session used at least that often never ends on its own
 * @param maxPerUser        sessions one user may have; a sign-in past it ends the least recently used one
 *                          ({@code auth.sessions.max.per.user})
 * @param reuseGraceSeconds how long a just-spent refresh token, while its successor is unused, is refused without
 *                          revoking its session ({@code auth.refresh.reuse.grace.seconds}, 30; 0 turns it off): two
 *                          tabs renewing with one cookie at once
 */
public record SessionSettings(long refreshTtlSeconds, int maxPerUser, long reuseGraceSeconds) {

  public static SessionSettings from(JsonObject config) {
    return new SessionSettings(
      Math.max(60, config.getLong("auth.refresh.ttl.seconds", 2_592_000L)),
      Math.max(1, config.getInteger("auth.sessions.max.per.user", 50)),
      Math.max(0, config.getLong("auth.refresh.reuse.grace.seconds", 30L)));
  }
}
