package dev.taskflow.api.accounts;

import dev.taskflow.api.http.Problem;
import dev.taskflow.core.auth.TokenAuth;
import io.vertx.core.Future;

/**
 * Registration, sign-in, sessions and account changes exist only while Taskflow issues its own tokens; with an external
 * issuer (JWKS) they are that issuer's, and each of those endpoints answers the same 403.
 */
public final class LocalAccounts {

  private LocalAccounts() {
  }

  /** Succeeds when Taskflow signs its own tokens, else fails with {@link #refused}. */
  public static Future<Void> required(TokenAuth tokens) {
    return tokens.canSign() ? Future.succeededFuture() : Future.failedFuture(refused(tokens));
  }

  /** The 403 of an endpoint that has no meaning with an external issuer. */
  public static Problem refused(TokenAuth tokens) {
    return new Problem(403, "Accounts and sessions are managed by the external token issuer "
      + tokens.settings().issuer() + ".");
  }
}
