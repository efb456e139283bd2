package dev.taskflow.launcher;

import dev.taskflow.api.accounts.AccountRepository;
import dev.taskflow.api.accounts.PasswordHasher;
import dev.taskflow.api.limits.AuthLimitSettings;
import dev.taskflow.api.limits.AuthLimits;
import dev.taskflow.api.sessions.SessionRepository;
import dev.taskflow.api.sessions.SessionSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.UUID;

/**
 * {@code reset-password --email X [--generate]}: the operator's way to let a user back in, since Taskflow sends no
 * e-mail. The new password is read from standard input (without echo on a terminal), or, with {@code --generate},
 * made up (20 characters from a 56-letter alphabet without look-alikes, about 116 bits) and printed. The account's
 * every session ends, so whoever had the old password is signed out (an access token stops at its next request;
 * a server's open live sockets close at the latest when their token expires). Accounts of an external issuer have no
 * password here and are not found.
 */
final class PasswordReset {

  static final int MIN_LENGTH = 8;
  static final int MAX_LENGTH = 256;
  private static final String ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What the reset did. */
  record Result(UUID userId, int sessionsEnded) {
  }

  private PasswordReset() {
  }

  /** Sets the password of the local account with this e-mail and ends its sessions; fails when there is none. */
  static Future<Result> reset(Vertx vertx, Pool pool, JsonObject config, String email, String password) {
    if (password.length() < MIN_LENGTH || password.length() > MAX_LENGTH || password.indexOf('\0') >= 0) {
      return Future.failedFuture(new IllegalArgumentException("the password must be " + MIN_LENGTH + " to "
        + MAX_LENGTH + " characters"));
    }
    AccountRepository accounts = new AccountRepository(pool);
    SessionRepository sessions = new SessionRepository(pool, SessionSettings.from(config));
    PasswordHasher hasher = new PasswordHasher(vertx, config, AuthLimits.shared(vertx, AuthLimitSettings.from(config)));
    // the new password and the end of the sessions in one transaction: both or neither
    return hasher.hash(password)
      .compose(hash -> accounts.inTransaction(tx -> accounts.setPasswordByEmail(tx, email.trim(), hash)
        .compose(found -> {
          UUID userId = found.orElseThrow(() -> new IllegalArgumentException("no local account has the e-mail "
            + email));
          return sessions.revokeAll(tx, userId).map(ended -> new Result(userId, ended.size()));
        })))
      .eventually(hasher::close);
  }

  static String generate() {
    StringBuilder password = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return password.toString();
  }

  /** The new password from the terminal (twice, no echo), or else the first line of standard input. */
  static String read(InputStream in) throws IOException {
    Console console = System.console();
    if (console != null) {
      char[] first = console.readPassword("New password: ");
      char[] second = console.readPassword("Again: ");
      if (first == null || second == null || !new String(first).equals(new String(second))) {
        throw new IllegalArgumentException("the two passwords differ");
      }
      return new String(first);
    }
    String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    if (line == null || line.isEmpty()) {
      throw new IllegalArgumentException("no password on standard input (or use --generate)");
    }
    return line;
  }
}
