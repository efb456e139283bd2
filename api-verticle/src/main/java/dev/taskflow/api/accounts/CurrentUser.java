package dev.taskflow.api.accounts;

import dev.taskflow.api.http.Problem;
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
 * Runs after the token is verified and puts the caller's user id in the context. With Taskflow's own tokens the id
 * is the subject, and the account must still exist: that is checked on every request (one primary-key lookup), so the
 * token of a deleted account stops working at once. With an external issuer the account is created on first sight,
 * and the ids seen are remembered (bounded), so that costs one query per user per verticle, not one per request.
 */
public final class CurrentUser implements Handler<RoutingContext> {

  private static final String KEY = "taskflow.userId";
  private static final int REMEMBERED = 10_000;

  private final AccountRepository accounts;
  private final TokenAuth tokens;
  private final Map<String, UUID> known = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, UUID> eldest) {
      return size() > REMEMBERED;
    }
  };

  public CurrentUser(AccountRepository accounts, TokenAuth tokens) {
    this.accounts = accounts;
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

  @Override
  public void handle(RoutingContext ctx) {
    userId(ctx.user())
      .onSuccess(id -> {
        ctx.put(KEY, id);
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
    return local(subject);
  }

  private Future<UUID> local(String subject) {
    UUID id;
    try {
      id = UUID.fromString(subject);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(Problem.unauthorized("The token's subject is not a Taskflow account."));
    }
    return accounts.findById(id).map(account -> account
      .orElseThrow(() -> Problem.unauthorized("The token's account no longer exists.")).id());
  }
}
