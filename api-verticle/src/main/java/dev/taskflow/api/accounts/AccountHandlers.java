package dev.taskflow.api.accounts;

import dev.taskflow.api.http.Problem;
import dev.taskflow.api.limits.AuthLimits;
import dev.taskflow.api.limits.ClientAddress;
import dev.taskflow.core.auth.TokenAuth;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.Locale;

import static dev.taskflow.api.http.Responses.body;
import static dev.taskflow.api.http.Responses.json;
import static dev.taskflow.api.http.Responses.respond;

/**
 * {@code /auth/register}, {@code /auth/login} and {@code /me}. Register and login are throttled per client address,
 * login also per e-mail, and both wait for a place in the hashing queue ({@link AuthLimits}); every refusal is a 429
 * with {@code Retry-After}, decided before any hashing.
 */
public final class AccountHandlers {

  private final AccountRepository accounts;
  private final PasswordHasher passwords;
  private final TokenAuth tokens;
  private final AuthLimits limits;
  private final ClientAddress clients;

  public AccountHandlers(AccountRepository accounts, PasswordHasher passwords, TokenAuth tokens, AuthLimits limits,
                         ClientAddress clients) {
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
    respond(ctx, requireLocalAccounts()
      .map(v -> {
        limits.admitAddress(address);
        return v;
      })
      .compose(v -> passwords.hash(body.getString("password")))
      .compose(hash -> accounts.create(email, hash, displayName))
      .recover(e -> Future.failedFuture(e instanceof AccountRepository.EmailTaken
        ? Problem.conflict("An account with the e-mail " + email.toLowerCase(Locale.ROOT) + " exists already.")
        : e))
      .compose(account -> json(ctx, 201, new JsonObject()
        .put("user", account.toJson())
        .put("token", tokens.sign(account.id().toString(), new JsonObject()))
        .put("expiresAt", expiresAt()))));
  }

  public void login(RoutingContext ctx) {
    JsonObject body = body(ctx);
    String password = body.getString("password");
    String email = body.getString("email").trim();
    String key = email.toLowerCase(Locale.ROOT);
    String address = clients.of(ctx.request());
    respond(ctx, requireLocalAccounts()
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
      .compose(account -> json(ctx, 200, new JsonObject()
        .put("token", tokens.sign(account.id().toString(), new JsonObject()))
        .put("expiresAt", expiresAt()))));
  }

  public void me(RoutingContext ctx) {
    respond(ctx, accounts.findById(CurrentUser.id(ctx))
      .compose(account -> json(ctx, 200, account
        .orElseThrow(() -> Problem.unauthorized("The token's account no longer exists.")).toJson())));
  }

  private Future<Void> requireLocalAccounts() {
    return tokens.canSign()
      ? Future.succeededFuture()
      : Future.failedFuture(new Problem(403,
        "Accounts are managed by the external token issuer " + tokens.settings().issuer() + "."));
  }

  private String expiresAt() {
    return Instant.now().plusSeconds(tokens.settings().ttlSeconds()).toString();
  }
}
