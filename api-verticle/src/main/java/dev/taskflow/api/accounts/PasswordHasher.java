package dev.taskflow.api.accounts;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.taskflow.api.limits.AuthLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;

/**
 * Argon2id password hashes in PHC string form, with OWASP's current minimum (19 MiB memory, 2 iterations,
 * parallelism 1), configurable upward. Hashing is deliberately slow, so it runs on a worker pool of its own, shared by
 * the process's API instances ({@code auth.hash.threads}, fewer threads than cores so the event loops keep a core),
 * never on the event loop, and through the process's bounded hashing queue ({@link AuthLimits#startHash}): past it a
 * hash is refused with 429 at once rather than queued behind a flood. A stored hash records its own parameters, so
 * raising them later does not break existing accounts.
 */
public final class PasswordHasher {

  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private static final String POOL = "taskflow-password-hashing";

  private final WorkerExecutor workers;
  private final AuthLimits limits;
  private final Argon2Function function;
  private volatile String dummyHash;

  public PasswordHasher(Vertx vertx, JsonObject config, AuthLimits limits) {
    this.workers = vertx.createSharedWorkerExecutor(POOL, limits.settings().hashThreads());
    this.limits = limits;
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
    return queued(() -> Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult());
  }

  /** Checks a password; with a null hash (no such account) it spends the same time and answers false. */
  public Future<Boolean> verify(String password, String hash) {
    return queued(() -> {
      String target = hash != null ? hash : dummyHash();
      boolean ok = Password.check(password, target).with(Argon2Function.getInstanceFromHash(target));
      return ok && hash != null;
    });
  }

  private <T> Future<T> queued(java.util.concurrent.Callable<T> work) {
    try {
      limits.startHash();
    } catch (RuntimeException refused) {
      return Future.failedFuture(refused);
    }
    return workers.executeBlocking(work, false).andThen(done -> limits.hashDone());
  }

  /** Lets go of the shared hashing pool (it closes with its last user). */
  public Future<Void> close() {
    return workers.close();
  }
}
