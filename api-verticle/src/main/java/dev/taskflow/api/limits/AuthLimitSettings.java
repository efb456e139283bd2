package dev.taskflow.api.limits;

import io.vertx.core.json.JsonObject;

/**
 * How login and registration are throttled (see {@link AuthLimits}).
 *
 * @param failuresBeforeLockout failed logins for one e-mail before it is refused for a while
 *                              ({@code auth.login.failures.max})
 * @param failureWindowSeconds  a failure this long after the previous one starts the count again
 *                              ({@code auth.login.failures.window.seconds})
 * @param lockoutSeconds        the first refusal's length; each further one doubles it
 *                              ({@code auth.login.lockout.seconds})
 * @param maxLockoutSeconds     the most a refusal lasts ({@code auth.login.lockout.max.seconds})
 * @param perAddressPerMinute   logins and registrations one client address may make per minute, with a burst of as
 *                              many ({@code auth.address.per.minute})
 * @param hashQueue             password hashes running or waiting at once in this process; beyond it a login or
 *                              registration is refused at once ({@code auth.hash.queue}; 0: twice the cores)
 * @param hashThreads           threads that hash at once in this process ({@code auth.hash.threads}; 0: one fewer than
 *                              the cores, at least one), so that hashing never takes every core from the event loops
 * @param maxEntries            e-mails and addresses remembered at most, each ({@code auth.limits.max.entries})
 */
public record AuthLimitSettings(int failuresBeforeLockout, int failureWindowSeconds, int lockoutSeconds,
                                int maxLockoutSeconds, int perAddressPerMinute, int hashQueue, int hashThreads,
                                int maxEntries) {

  public static AuthLimitSettings from(JsonObject config) {
    int cores = Runtime.getRuntime().availableProcessors();
    int queue = config.getInteger("auth.hash.queue", 0);
    int threads = config.getInteger("auth.hash.threads", 0);
    return new AuthLimitSettings(
      Math.max(1, config.getInteger("auth.login.failures.max", 5)),
      Math.max(1, config.getInteger("auth.login.failures.window.seconds", 900)),
      Math.max(1, config.getInteger("auth.login.lockout.seconds", 60)),
      Math.max(1, config.getInteger("auth.login.lockout.max.seconds", 900)),
      Math.max(1, config.getInteger("auth.address.per.minute", 20)),
      queue > 0 ? queue : 2 * cores,
      threads > 0 ? threads : Math.max(1, cores - 1),
      Math.max(100, config.getInteger("auth.limits.max.entries", 100_000)));
  }
}
