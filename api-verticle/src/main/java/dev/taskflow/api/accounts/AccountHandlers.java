package dev.taskflow.api.accounts;

import dev.taskflow.api.http.Problem;
import dev.taskflow.api.limits.AuthLimits;
import dev.taskflow.api.limits.ClientAddress;
import dev.taskflow.api.sessions.SessionHandlers;
import dev.taskflow.core.auth.TokenAuth;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

import static dev.taskflow.api.http.Responses.body;
import static dev.taskflow.api.http.Responses.json;
import static dev.taskflow.api.http.Responses.respond;

/**
 * {@code /auth/register}, {@code /auth/login} and {@code /me}. A sign-in opens a session ({@link SessionHandlers}).
 * Register and login are throttled per client address, login also per e-mail, and both wait for a place in the hashing
 * queue ({@link AuthLimits}); every refusal is a 429 with {@code Retry-After}, decided before any hashing.
 */
public final class AccountHandlers {

  private final AccountRepository accounts;
  private final PasswordHasher passwords;
  private final TokenAuth tokens;
  private final AuthLimits limits;
  private final ClientAddress clients;
  private final SessionHandlers sessions;

  public AccountHandlers(AccountRepository accounts, PasswordHasher passwords, TokenAuth tokens, AuthLimits limits,
                         ClientAddress clients, SessionHandlers sessions) {
    this.sessions = sessions;
    this.accounts = accounts;
    this.passwords = passwords;
    this.tokens = tokens;
    this.limits = limits;
    this.clients = clients;
  }

  public void register(RoutingContext ctx) {
    JsonObject body = body(ctx);
    String email = body.getString("email").trim();
    String given = body.getString("displayName");
    String displayName = given != null ? given.strip() : email.substring(0, email.indexOf('@'));
    if (displayName.isEmpty()) {
      ctx.fail(Problem.badRequest("displayName must not be blank."));
      return;
    }
    String address = clients.of(ctx.request());
    respond(ctx, LocalAccounts.required(tokens)
      .map(v -> {
        limits.admitAddress(address);
        return v;
      })
      .compose(v -> passwords.hash(body.getString("password")))
      .compose(hash -> accounts.create(email, hash, displayName))
      .recover(e -> Future.failedFuture(e instanceof AccountRepository.EmailTaken
        ? Problem.conflict("An account with the e-mail " + email.toLowerCase(Locale.ROOT) + " exists already.")
        : e))
      .compose(account -> sessions.signIn(ctx, account.id(), inCookie(body))
        .compose(signedIn -> json(ctx, 201, signedIn.put("user", account.toJson())))));
  }

  public void login(RoutingContext ctx) {
    JsonObject body = body(ctx);
    String password = body.getString("password");
    String email = body.getString("email").trim();
    String key = email.toLowerCase(Locale.ROOT);
    String address = clients.of(ctx.request());
    respond(ctx, LocalAccounts.required(tokens)
      .map(v -> {
        limits.admitAddress(address);
        limits.checkAccount(key);
        return v;
      })
      .compose(v -> accounts.findByEmail(email))
      .compose(found -> passwords.verify(password, found.map(AccountRepository.Credentials::passwordHash).orElse(null))
        .map(ok -> {
          if (!ok) {
            limits.loginFailed(key);
            throw Problem.unauthorized("The e-mail or the password is wrong.");
          }
          limits.loginSucceeded(key);
          return found.orElseThrow().account();
        }))
      .compose(account -> sessions.signIn(ctx, account.id(), inCookie(body))
        .compose(signedIn -> json(ctx, 200, signedIn))));
  }

  public void me(RoutingContext ctx) {
    respond(ctx, accounts.findById(CurrentUser.id(ctx))
      .compose(account -> json(ctx, 200, account
        .orElseThrow(() -> Problem.unauthorized("The token's account no longer exists.")).toJson())));
  }

  /** Whether the client asked for its refresh token in the HttpOnly cookie rather than the body (the web UI does). */
  private static boolean inCookie(JsonObject body) {
    return "cookie".equals(body.getString("refreshTokenIn"));
  }
}
