package dev.taskflow.api.accounts;

import dev.taskflow.api.http.Problem;
import dev.taskflow.api.limits.AuthLimits;
import dev.taskflow.api.projects.ProjectHandlers;
import dev.taskflow.api.sessions.SessionHandlers;
import dev.taskflow.core.auth.TokenAuth;
import dev.taskflow.core.outbox.OutboxWriter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.UUID;

import static dev.taskflow.api.http.Responses.body;
import static dev.taskflow.api.http.Responses.json;
import static dev.taskflow.api.http.Responses.noContent;
import static dev.taskflow.api.http.Responses.respond;

/**
 * The account's own settings: {@code PATCH /me} (display name; e-mail, with the current password),
 * {@code POST /me/password} (ends every other session) and {@code DELETE /me} (the account and all its data, with
 * {@code taskflow.account.deleted}). Each check of the current password counts, like a login, against the e-mail's
 * failure limit ({@link AuthLimits}), so a stolen access token cannot be used to guess the password; a wrong one is a
 * 403 (the token itself is fine, so not a 401, which would send the web UI renewing it). With an external token
 * issuer the account is the issuer's to change: 403.
 */
public final class ProfileHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(ProfileHandlers.class);

  private final AccountRepository accounts;
  private final PasswordHasher passwords;
  private final TokenAuth tokens;
  private final AuthLimits limits;
  private final SessionHandlers sessions;
  private final OutboxWriter outbox;

  public ProfileHandlers(AccountRepository accounts, PasswordHasher passwords, TokenAuth tokens, AuthLimits limits,
                         SessionHandlers sessions, OutboxWriter outbox) {
    this.accounts = accounts;
    this.passwords = passwords;
    this.tokens = tokens;
    this.limits = limits;
    this.sessions = sessions;
    this.outbox = outbox;
  }

  /** {@code PATCH /me}: {@code displayName}, {@code email} (needs {@code currentPassword}); 409 when it is taken. */
  public void updateMe(RoutingContext ctx) {
    JsonObject body = body(ctx);
    UUID userId = CurrentUser.id(ctx);
    String displayName = body.getString("displayName") == null ? null : body.getString("displayName").strip();
    String email = body.getString("email") == null ? null : body.getString("email").trim();
    if (displayName != null && displayName.isEmpty()) {
      ctx.fail(Problem.badRequest("displayName must not be blank."));
      return;
    }
    if (displayName == null && email == null) {
      ctx.fail(Problem.badRequest("Send displayName or email (with currentPassword) to change."));
      return;
    }
    respond(ctx, LocalAccounts.required(tokens)
      .compose(v -> current(userId))
      .compose(found -> {
        boolean newEmail = email != null && !email.equals(found.account().email());
        if (!newEmail) {
          return Future.succeededFuture((String) null);
        }
        String password = body.getString("currentPassword");
        if (password == null) {
          throw Problem.badRequest("Changing the e-mail needs currentPassword.");
        }
        return confirm(found, password).map(email);
      })
      .compose(changedEmail -> accounts.updateProfile(userId, displayName, changedEmail)
        .recover(e -> Future.failedFuture(e instanceof AccountRepository.EmailTaken
          ? Problem.conflict("An account with the e-mail " + changedEmail.toLowerCase(Locale.ROOT) + " exists already.")
          : e)))
      .onSuccess(account -> LOG.info("Account {} changed its profile", userId))
      .compose(account -> json(ctx, 200, account.toJson())));
  }

  /** {@code POST /me/password}: the current and the new password; every other session ends, this one stays. */
  public void changePassword(RoutingContext ctx) {
    JsonObject body = body(ctx);
    UUID userId = CurrentUser.id(ctx);
    UUID keep = CurrentUser.sessionId(ctx);
    respond(ctx, LocalAccounts.required(tokens)
      .compose(v -> current(userId))
      .compose(found -> confirm(found, body.getString("currentPassword")))
      .compose(v -> passwords.hash(body.getString("newPassword")))
      // one transaction: never a new password with the other sessions (perhaps the thief's) still signed in
      .compose(hash -> accounts.inTransaction(tx -> accounts.setPassword(tx, userId, hash)
        .compose(v -> sessions.repository().revokeOthers(tx, userId, keep))))
      .compose(ended -> {
        LOG.info("Account {} changed its password; its other sessions are ended", userId);
        sessions.announce(userId, ended, "password changed");
        return noContent(ctx);
      }));
  }

  /** {@code DELETE /me}: with the current password; deletes the account and all its data. */
  public void deleteMe(RoutingContext ctx) {
    JsonObject body = body(ctx);
    UUID userId = CurrentUser.id(ctx);
    respond(ctx, LocalAccounts.required(tokens)
      .compose(v -> current(userId))
      .compose(found -> confirm(found, body.getString("password")))
      .compose(v -> accounts.delete(userId, outbox))
      .compose(deleted -> {
        LOG.info("Account {} deleted with all its data", userId);
        sessions.announce(userId, deleted.sessions(), "account deleted");
        deleted.revoked().forEach(revoked -> ProjectHandlers.announce(ctx.vertx().eventBus(), revoked,
          "account deleted"));
        SessionHandlers.expireCookie(ctx); // /me is outside the cookie's path: it never comes with it
        return noContent(ctx);
      }));
  }

  private Future<AccountRepository.Credentials> current(UUID userId) {
    return accounts.credentials(userId).map(found -> found
      .orElseThrow(() -> Problem.unauthorized("The token's account no longer exists.")));
  }

  /** The current password, checked like a login (counted against the e-mail's limit); a wrong one is a 403. */
  private Future<Void> confirm(AccountRepository.Credentials found, String password) {
    String key = found.account().email().toLowerCase(Locale.ROOT);
    try {
      limits.checkAccount(key);
    } catch (RuntimeException refused) {
      return Future.failedFuture(refused);
    }
    return passwords.verify(password, found.passwordHash()).map(ok -> {
      if (!ok) {
        limits.loginFailed(key);
        throw new Problem(403, "The current password is wrong.");
      }
      limits.loginSucceeded(key);
      return null;
    });
  }
}
