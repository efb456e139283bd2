package dev.taskflow.core.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.ext.auth.authentication.TokenCredentials;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Objects;

/**
 * Verifies bearer tokens, and in local mode signs them. Only ES256 and RS256 signatures are accepted; {@code alg: none},
 * a wrong issuer or audience, a missing or past {@code exp} are refused.
 *
 * <p>In external mode the issuer's JWKS is fetched at start and again every {@code jwt.jwks.refresh.seconds}; a failed
 * refresh keeps the keys it had.
 */
public final class TokenAuth implements JWTAuth {

  private static final Logger LOG = LoggerFactory.getLogger(TokenAuth.class);
  private static final long LEEWAY_SECONDS = 5;
  private static final int VERIFIED_CACHE = 10_000;

  private final JwtSettings settings;
  private volatile JWTAuth delegate;
  private final String signingAlgorithm;
  private final Map<String, Verified> verified = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
      return size() > VERIFIED_CACHE;
    }
  };

  private record Verified(User user, long expiresAtMillis) {
  }

  /** @param signingAlgorithm null when tokens come from an external issuer */
  private TokenAuth(JwtSettings settings, JWTAuth delegate, String signingAlgorithm) {
    this.settings = settings;
    this.delegate = delegate;
    this.signingAlgorithm = signingAlgorithm;
  }

  /** Local mode from a key pair: ES256 for an EC pair, RS256 for an RSA pair. */
  public static TokenAuth local(Vertx vertx, JwtSettings settings, JwtKeys keys) {
    String algorithm = keys.algorithm();
    JWTAuthOptions options = new JWTAuthOptions()
      .setJWTOptions(verifyOptions(settings).setAlgorithm(algorithm))
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(keys.publicPem()))
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(keys.privatePem()));
    return new TokenAuth(settings, JWTAuth.create(vertx, options), algorithm);
  }

  /** Local or external mode, as the settings say. Loads or generates keys off the event loop. */
  public static Future<TokenAuth> create(Vertx vertx, JwtSettings settings) {
    if (!settings.external()) {
      return vertx.executeBlocking(() -> JwtKeys.loadOrCreate(settings), false)
        .map(keys -> local(vertx, settings, keys));
    }
    WebClient client = WebClient.create(vertx);
    return fetchJwks(vertx, client, settings).map(auth -> {
      TokenAuth tokenAuth = new TokenAuth(settings, auth, null);
      long period = Math.max(10, settings.jwksRefreshSeconds()) * 1000;
      vertx.setPeriodic(period, period, id -> fetchJwks(vertx, client, settings)
        .onSuccess(fresh -> tokenAuth.delegate = fresh)
        .onFailure(e -> LOG.warn("JWKS refresh from {} failed, keeping the previous keys: {}", settings.jwksUrl(),
          e.getMessage())));
      return tokenAuth;
    });
  }

  private static Future<JWTAuth> fetchJwks(Vertx vertx, WebClient client, JwtSettings settings) {
    return client.getAbs(settings.jwksUrl()).timeout(10_000).send().map(response -> {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("JWKS " + settings.jwksUrl() + " answered " + response.statusCode());
      }
      JsonArray keys = response.bodyAsJsonObject().getJsonArray("keys", new JsonArray());
      List<JsonObject> usable = new ArrayList<>();
      for (Object key : keys) {
        JsonObject jwk = (JsonObject) key;
        String alg = jwk.getString("alg", "EC".equals(jwk.getString("kty")) ? "ES256" : "RS256");
        if ("ES256".equals(alg) || "RS256".equals(alg)) {
          usable.add(jwk.copy().put("alg", alg));
        }
      }
      if (usable.isEmpty()) {
        throw new IllegalStateException("JWKS " + settings.jwksUrl() + " has no ES256 or RS256 key");
      }
      LOG.info("Loaded {} signing keys from {}", usable.size(), settings.jwksUrl());
      return JWTAuth.create(vertx, new JWTAuthOptions().setJWTOptions(verifyOptions(settings)).setJwks(usable));
    });
  }

  private static JWTOptions verifyOptions(JwtSettings settings) {
    JWTOptions options = new JWTOptions().setIssuer(settings.issuer()).setLeeway((int) LEEWAY_SECONDS);
    if (settings.audience() != null) {
      options.addAudience(settings.audience());
    }
    return options;
  }

  /**
   * Verifies a token, remembering tokens it has verified until they expire: checking an ES256 signature costs about a
   * millisecond of event-loop time, and a client sends the same token with every request. The cache is bounded and
   * belongs to one verticle instance (one event loop), so it needs no locking.
   */
  @Override
  public Future<User> authenticate(Credentials credentials) {
    String token = credentials instanceof TokenCredentials t ? t.getToken() : null;
    if (token != null) {
      Verified hit = verified.get(token);
      if (hit != null && hit.expiresAtMillis() - LEEWAY_SECONDS * 1000 > System.currentTimeMillis()) {
        return Future.succeededFuture(hit.user());
      }
    }
    return verify(credentials).onSuccess(user -> {
      if (token != null) {
        verified.put(token, new Verified(user, expiresAt(user) * 1000));
      }
    });
  }

  /** When a verified token's user expires, in epoch seconds (vertx-auth-jwt keeps {@code exp} in the attributes). */
  public static long expiresAt(User user) {
    Object exp = user.principal().getValue("exp");
    if (!(exp instanceof Number)) {
      exp = user.attributes().getValue("exp");
    }
    return exp instanceof Number number ? number.longValue() : 0L;
  }

  private Future<User> verify(Credentials credentials) {
    Future<User> verified;
    try {
      verified = delegate.authenticate(credentials);
    } catch (RuntimeException e) {
      // vertx-auth-jwt reads exp, iat and nbf with getLong and throws when one is not a number ("exp":"string")
      return Future.failedFuture("Token claims are malformed: " + e.getClass().getSimpleName());
    }
    return verified.compose(user -> {
      // vertx-auth-jwt treats a token without "exp" as never expiring; ours must expire.
      if (!(user.principal().getValue("exp") instanceof Number)
        && !(user.attributes().getValue("exp") instanceof Number)) {
        return Future.failedFuture("Token has no numeric expiry (exp)");
      }
      if (user.principal().getString("sub") == null) {
        return Future.failedFuture("Token has no subject (sub)");
      }
      return Future.succeededFuture(user);
    });
  }

  public boolean canSign() {
    return signingAlgorithm != null;
  }

  public JwtSettings settings() {
    return settings;
  }

  @Override
  public String generateToken(JsonObject claims, JWTOptions options) {
    if (!canSign()) {
      throw new IllegalStateException("Tokens come from the external issuer " + settings.jwksUrl());
    }
    return delegate.generateToken(claims, options);
  }

  @Override
  public String generateToken(JsonObject claims) {
    return generateToken(claims, new JWTOptions().setAlgorithm(signingAlgorithm));
  }

  /** A signed token for {@code subject} with the configured lifetime. Local mode only. */
  public String sign(String subject, JsonObject extraClaims) {
    JWTOptions options = new JWTOptions()
      .setAlgorithm(signingAlgorithm)
      .setIssuer(settings.issuer())
      .setSubject(Objects.requireNonNull(subject))
      .setExpiresInSeconds((int) settings.ttlSeconds());
    if (settings.audience() != null) {
      options.addAudience(settings.audience());
    }
    return generateToken(extraClaims, options);
  }
}
