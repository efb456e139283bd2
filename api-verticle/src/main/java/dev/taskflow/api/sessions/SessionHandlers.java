package dev.taskflow.api.sessions;

import dev.taskflow.api.accounts.CurrentUser;
import dev.taskflow.api.accounts.LocalAccounts;
import dev.taskflow.api.http.Problem;
import dev.taskflow.core.auth.TokenAuth;
import dev.taskflow.core.event.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.validation.ValidatedRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static dev.taskflow.api.http.Responses.json;
import static dev.taskflow.api.http.Responses.noContent;
import static dev.taskflow.api.http.Responses.respond;
import static dev.taskflow.api.http.Responses.validated;

/**
 * Sessions: what a sign-in answers (a short access token whose {@code sid} claim names its session, and a refresh
 * token), {@code /auth/refresh} (rotation, reuse detection), {@code /auth/sessions}, {@code /auth/logout} and
 * {@code /auth/logout-all}.
 *
 * <p>The refresh token travels where the client asks: in the JSON body ({@code refreshToken}; the default, for API
 * clients), or, with {@code "refreshTokenIn": "cookie"} (the web UI), only in an {@code HttpOnly; SameSite=Strict}
 * cookie whose path is {@code /api/v1/auth}, so no script of the page can read it and no other site can send it. A
 * renewal answers the new one where the old one came from.
 *
 * <p>Every revocation is published on {@link Addresses#SESSIONS_REVOKED}, so every API instance closes those
 * sessions' live sockets at once; their access tokens already fail {@link CurrentUser} (which checks the session on
 * every request).
 */
public final class SessionHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(SessionHandlers.class);
  public static final String COOKIE = "taskflow_refresh";
  static final String COOKIE_PATH = "/api/v1/auth";

  private final SessionRepository sessions;
  private final TokenAuth tokens;
  private final EventBus eventBus;

  public SessionHandlers(SessionRepository sessions, TokenAuth tokens, EventBus eventBus) {
    this.sessions = sessions;
    this.tokens = tokens;
    this.eventBus = eventBus;
  }

  public SessionRepository repository() {
    return sessions;
  }

  /**
   * Opens a session for a user who just signed in, and answers its tokens: {@code token}, {@code expiresAt},
   * {@code expiresIn} (seconds), {@code sessionId}, {@code refreshExpiresAt}, and {@code refreshToken} unless it went into the cookie.
   */
  public Future<JsonObject> signIn(RoutingContext ctx, UUID userId, boolean inCookie) {
    return sessions.open(userId, ctx.request().getHeader("User-Agent")).map(opened -> {
      announce(userId, opened.ended(), "made room for a new sign-in");
      LOG.info("Session {} opened for user {}", opened.issued().sessionId(), userId);
      return answer(ctx, opened.issued(), inCookie);
    });
  }

  /** {@code POST /auth/refresh}: the refresh token from the body, or else from the cookie. */
  public void refresh(RoutingContext ctx) {
    JsonObject body = body(ctx);
    String fromBody = body.getString("refreshToken");
    Cookie cookie = ctx.request().getCookie(COOKIE);
    boolean inCookie = fromBody == null;
    String presented = fromBody != null ? fromBody : cookie != null ? cookie.getValue() : null;
    if (!tokens.canSign()) {
      ctx.fail(LocalAccounts.refused(tokens));
      return;
    }
    if (presented == null || presented.isBlank()) {
      ctx.fail(Problem.unauthorized("No refresh token: send refreshToken, or sign in again."));
      return;
    }
    respond(ctx, sessions.renew(presented).compose(renewal -> {
      if (renewal instanceof SessionRepository.Rotated rotated) {
        return json(ctx, 200, answer(ctx, rotated.issued(), inCookie));
      }
      if (renewal instanceof SessionRepository.Raced raced) {
        LOG.info("Refresh in session {} of user {} refused: its token was spent a moment ago by a concurrent renewal "
          + "(grace window); the session stays", raced.sessionId(), raced.userId());
        throw Problem.unauthorized("This refresh token was just renewed by another request; use the newer token.");
      }
      if (inCookie) {
        clearCookie(ctx);
      }
      if (renewal instanceof SessionRepository.Reused reused) {
        LOG.warn("Refresh token reuse in session {} of user {}: a spent token was presented again; the session is "
          + "revoked", reused.sessionId(), reused.userId());
        announce(reused.userId(), List.of(reused.sessionId()), "refresh token reused");
        throw Problem.unauthorized("This refresh token was used already, so the session was ended for safety. "
          + "Sign in again.");
      }
      throw Problem.unauthorized("The refresh token is unknown or expired. Sign in again.");
    }));
  }

  /** {@code GET /auth/sessions}. */
  public void listSessions(RoutingContext ctx) {
    respond(ctx, LocalAccounts.required(tokens)
      .compose(v -> sessions.list(CurrentUser.id(ctx), CurrentUser.sessionId(ctx)))
      .compose(items -> json(ctx, 200, new JsonObject().put("items", items))));
  }

  /** {@code DELETE /auth/sessions/{id}}: another user's session is a 404, like one that does not exist. */
  public void deleteSession(RoutingContext ctx) {
    UUID userId = CurrentUser.id(ctx);
    UUID sessionId = UUID.fromString(validated(ctx).getPathParameters().get("id").getString());
    respond(ctx, LocalAccounts.required(tokens)
      .compose(v -> sessions.revoke(userId, sessionId))
      .compose(found -> {
        if (!found) {
          throw Problem.notFound("You have no session " + sessionId + ".");
        }
        announce(userId, List.of(sessionId), "ended from the sessions list");
        if (sessionId.equals(CurrentUser.sessionId(ctx))) {
          clearCookie(ctx);
        }
        return noContent(ctx);
      }));
  }

  /** {@code POST /auth/logout}: ends the caller's own session. */
  public void logout(RoutingContext ctx) {
    UUID userId = CurrentUser.id(ctx);
    UUID sessionId = CurrentUser.sessionId(ctx);
    clearCookie(ctx);
    if (sessionId == null) {
      respond(ctx, LocalAccounts.required(tokens).compose(v -> noContent(ctx)));
      return;
    }
    respond(ctx, LocalAccounts.required(tokens)
      .compose(v -> sessions.revoke(userId, sessionId))
      .compose(found -> {
        announce(userId, List.of(sessionId), "logged out");
        return noContent(ctx);
      }));
  }

  /** {@code POST /auth/logout-all}: ends every session of the user, the caller's own included. */
  public void logoutAll(RoutingContext ctx) {
    UUID userId = CurrentUser.id(ctx);
    clearCookie(ctx);
    respond(ctx, LocalAccounts.required(tokens)
      .compose(v -> sessions.revokeAll(userId))
      .compose(ended -> {
        announce(userId, ended, "logged out everywhere");
        return noContent(ctx);
      }));
  }

  /** Tells every API instance to close the live sockets of these sessions, and logs it. */
  public void announce(UUID userId, List<UUID> ended, String why) {
    if (ended.isEmpty()) {
      return;
    }
    LOG.info("Sessions {} of user {} revoked: {}", ended, userId, why);
    JsonArray ids = new JsonArray();
    ended.forEach(id -> ids.add(id.toString()));
    eventBus.publish(Addresses.SESSIONS_REVOKED, new JsonObject().put("userId", userId.toString())
      .put("sessions", ids));
  }

  private JsonObject answer(RoutingContext ctx, SessionRepository.Issued issued, boolean inCookie) {
    JsonObject answer = new JsonObject()
      .put("token", tokens.sign(issued.userId().toString(),
        new JsonObject().put("sid", issued.sessionId().toString())))
      .put("expiresAt", Instant.now().plusSeconds(tokens.settings().ttlSeconds()).toString())
      // relative, so a client whose clock is off still renews in time
      .put("expiresIn", tokens.settings().ttlSeconds())
      .put("sessionId", issued.sessionId().toString())
      .put("refreshExpiresAt", issued.expiresAt().toInstant().toString());
    if (inCookie) {
      ctx.response().addCookie(cookie(ctx.request(), issued.refreshToken(), sessions.settings().refreshTtlSeconds()));
    } else {
      answer.put("refreshToken", issued.refreshToken());
    }
    return answer;
  }

  /**
   * Expires the refresh cookie whether or not the request carried it: for endpoints outside its path (DELETE /me),
   * which never receive it.
   */
  public static void expireCookie(RoutingContext ctx) {
    ctx.response().addCookie(cookie(ctx.request(), "", 0));
  }

  /** Expires the refresh cookie, when the request came with one. */
  public static void clearCookie(RoutingContext ctx) {
    if (ctx.request().getCookie(COOKIE) != null) {
      ctx.response().addCookie(cookie(ctx.request(), "", 0));
    }
  }

  /** HttpOnly, SameSite=Strict, path /api/v1/auth; Secure when the request came over HTTPS (or a proxy says so). */
  private static Cookie cookie(HttpServerRequest request, String value, long maxAgeSeconds) {
    boolean https = request.isSSL() || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
    return Cookie.cookie(COOKIE, value)
      .setPath(COOKIE_PATH)
      .setHttpOnly(true)
      .setSameSite(CookieSameSite.STRICT)
      .setSecure(https)
      .setMaxAge(maxAgeSeconds);
  }

  private static JsonObject body(RoutingContext ctx) {
    ValidatedRequest request = validated(ctx);
    if (request == null || request.getBody() == null || request.getBody().isEmpty()
      || request.getBody().getJsonObject() == null) {
      return new JsonObject();
    }
    return request.getBody().getJsonObject();
  }
}
