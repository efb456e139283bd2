package dev.taskflow.api.accounts;

import dev.taskflow.api.http.Problem;
import dev.taskflow.api.sessions.SessionRepository;
import dev.taskflow.core.auth.TokenAuth;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Runs after the token is verified and puts the caller's user id (and session id) in the context. With Taskflow's own
 * tokens the id is the subject, the account must still exist, and the session the token's {@code sid} claim names
 * must still be signed in: both are checked on every request (one query of two primary-key lookups, no cache, so it
 * holds across processes), so the token of a deleted account or of a revoked session stops working at once. A token
 * without {@code sid} (issued before sessions existed) is taken until its expiry. With an external issuer the account
 * is created on first sight (its tokens' {@code sid}, if any, is the issuer's and not checked), and the ids seen are
 * remembered (bounded), so that costs one query per user per verticle, not one per request.
 */
public final class CurrentUser implements Handler<RoutingContext> {

  private static final String KEY = "taskflow.userId";
  private static final String SESSION_KEY = "taskflow.sessionId";
  private static final int REMEMBERED = 10_000;

  private final AccountRepository accounts;
  private final SessionRepository sessions;
  private final TokenAuth tokens;
  private final Map<String, UUID> known = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, UUID> eldest) {
      return size() > REMEMBERED;
    }
  };

  public CurrentUser(AccountRepository accounts, SessionRepository sessions, TokenAuth tokens) {
    this.accounts = accounts;
    this.sessions = sessions;
    this.tokens = tokens;
  }

  /** The id of the user the request is made for. */
  public static UUID id(RoutingContext ctx) {
    UUID id = ctx.get(KEY);
    if (id == null) {
      throw new IllegalStateException("CurrentUser did not run for " + ctx.request().path());
    }
    return id;
  }

  /** The session the request's token belongs to, or null (an external issuer's token, or one without sid). */
  public static UUID sessionId(RoutingContext ctx) {
    return ctx.get(SESSION_KEY);
  }

  /** The {@code sid} claim of a verified token, or null when it has none (or not a uuid). */
  public static UUID sessionOf(User user) {
    Object sid = user == null ? null : user.principal().getValue("sid");
    try {
      return sid instanceof String text ? UUID.fromString(text) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    userId(ctx.user())
      .onSuccess(id -> {
        ctx.put(KEY, id);
        if (!tokens.settings().external()) {
          ctx.put(SESSION_KEY, sessionOf(ctx.user()));
        }
        ctx.next();
      })
      .onFailure(ctx::fail);
  }

  /** The Taskflow user a verified token stands for (the event-bus bridge asks too). */
  public Future<UUID> userId(User user) {
    String subject = user == null ? null : user.principal().getString("sub");
    if (subject == null) {
      return Future.failedFuture(Problem.unauthorized("The token has no subject."));
    }
    if (tokens.settings().external()) {
      UUID cached = known.get(subject);
      if (cached != null) {
        return Future.succeededFuture(cached);
      }
      JsonObject claims = user.principal();
      return accounts.ensureExternal(tokens.settings().issuer(), subject, claims.getString("email"),
        claims.getString("name")).onSuccess(id -> known.put(subject, id));
    }
    return local(subject, user.principal().getValue("sid"));
  }

  private Future<UUID> local(String subject, Object sid) {
    UUID id;
    try {
      id = UUID.fromString(subject);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(Problem.unauthorized("The token's subject is not a Taskflow account."));
    }
    UUID sessionId;
    try {
      sessionId = sid == null ? null : UUID.fromString(String.valueOf(sid));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(Problem.unauthorized("The token's session id is not one Taskflow issued."));
    }
    return sessions.check(id, sessionId).map(check -> switch (check) {
      case NO_ACCOUNT -> throw Problem.unauthorized("The token's account no longer exists.");
      case REVOKED -> throw Problem.unauthorized("This session was signed out. Sign in again.");
      case ACTIVE -> id;
    });
  }
}
