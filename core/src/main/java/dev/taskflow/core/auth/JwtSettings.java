package dev.taskflow.core.auth;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * How tokens are signed and checked.
 *
 * <p>Local mode (the default): Taskflow issues ES256 tokens itself, from the PEM key pair at
 * {@code jwt.private.key}/{@code jwt.public.key}, or, when those are not set, from a pair generated on first run and
 * kept under {@code <data.dir>/jwt/}. External mode: {@code jwt.jwks.url} names an issuer's JWKS; tokens are checked
 * against its keys and {@code jwt.issuer}, and Taskflow issues none.
 */
public record JwtSettings(
  String issuer,
  String audience,
  long ttlSeconds,
  String privateKeyPath,
  String publicKeyPath,
  String jwksUrl,
  long jwksRefreshSeconds,
  Path dataDir) {

  public static JwtSettings from(JsonObject config) {
    return new JwtSettings(
      config.getString("jwt.issuer", "taskflow"),
      blankToNull(config.getString("jwt.audience", "")),
      config.getLong("jwt.ttl.seconds", 3600L),
      blankToNull(config.getString("jwt.private.key", "")),
      blankToNull(config.getString("jwt.public.key", "")),
      blankToNull(config.getString("jwt.jwks.url", "")),
      config.getLong("jwt.jwks.refresh.seconds", 600L),
      Path.of(config.getString("data.dir", "./taskflow-data")));
  }

  public boolean external() {
    return jwksUrl != null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
