package dev.taskflow.api.accounts;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Argon2id password hashes in PHC string form, with OWASP's current minimum (19 MiB memory, 2 iterations,
 * parallelism 1), configurable upward. Hashing is deliberately slow, so it runs on worker threads, never on the event
 * loop. A stored hash records its own parameters, so raising them later does not break existing accounts.
 */
public final class PasswordHasher {

  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private final Vertx vertx;
  private final Argon2Function function;
  private volatile String dummyHash;

  public PasswordHasher(Vertx vertx, JsonObject config) {
    this.vertx = vertx;
    this.function = Argon2Function.getInstance(
      config.getInteger("password.argon2.memory.kib", 19456),
      config.getInteger("password.argon2.iterations", 2),
      config.getInteger("password.argon2.parallelism", 1),
      HASH_BYTES, Argon2.ID);
  }

  /** A hash to check against when there is no account, so that case costs what a real check costs. */
  private String dummyHash() {
    if (dummyHash == null) {
      dummyHash = Password.hash("taskflow-dummy-password").addRandomSalt(SALT_BYTES).with(function).getResult();
    }
    return dummyHash;
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(
      () -> Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult(), false);
  }

  /** Checks a password; with a null hash (no such account) it spends the same time and answers false. */
  public Future<Boolean> verify(String password, String hash) {
    return vertx.executeBlocking(() -> {
      String target = hash != null ? hash : dummyHash();
      boolean ok = Password.check(password, target).with(Argon2Function.getInstanceFromHash(target));
      return ok && hash != null;
    }, false);
  }
}
