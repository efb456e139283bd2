package dev.taskflow.api.limits;

import dev.taskflow.api.http.Problem;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The throttles in front of password hashing, one set per process (every API verticle instance of a Vert.x instance
 * gets the same object from its local shared data, so the limits hold whichever event loop a connection lands on; the
 * maps are concurrent and every update is one atomic {@code compute}):
 *
 * <ul>
 *   <li>per e-mail: after {@code failuresBeforeLockout} failed logins, each within {@code failureWindowSeconds} of the
 *   previous, logins for it are refused with 429 for {@code lockoutSeconds}, doubling with each further failure after
 *   a refusal ends, up to {@code maxLockoutSeconds}; a successful login forgets the failures. Unknown e-mails count the
 *   same, so the answers tell nothing about which accounts exist. An account is never locked for good.</li>
 *   <li>per client address: a token bucket of {@code perAddressPerMinute} logins and registrations a minute.</li>
 *   <li>the hashing queue: at most {@code hashQueue} argon2 computations running or waiting; one more is refused at
 *   once with 429, without hashing.</li>
 * </ul>
 *
 * Both maps hold at most {@code maxEntries} keys: when one is full, entries that no longer limit anything are dropped,
 * and if that is not enough, arbitrary ones (an attacker with that many addresses gets no more from a reset bucket
 * than from the addresses themselves). Times are {@link System#nanoTime()}: rates, not due times.
 */
public final class AuthLimits implements Shareable {

  private static final String SHARED = "taskflow.auth.limits";
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final AuthLimitSettings settings;
  private final Map<String, Failures> failures = new ConcurrentHashMap<>();
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicInteger hashing = new AtomicInteger();
  private final AtomicInteger inserts = new AtomicInteger();

  private record Failures(int count, long lastNanos, long lockedUntilNanos, int lockouts) {
  }

  private record Bucket(double tokens, long lastNanos) {
  }

  AuthLimits(AuthLimitSettings settings) {
    this.settings = settings;
  }

  /** The process's limits (created by the first API verticle instance that asks). */
  public static AuthLimits shared(Vertx vertx, AuthLimitSettings settings) {
    LocalMap<String, AuthLimits> map = vertx.sharedData().getLocalMap(SHARED);
    AuthLimits fresh = new AuthLimits(settings);
    AuthLimits existing = map.putIfAbsent(SHARED, fresh);
    return existing != null ? existing : fresh;
  }

  public AuthLimitSettings settings() {
    return settings;
  }

  /** Takes one login or registration from the address's bucket, or refuses with 429. */
  public void admitAddress(String address) {
    long now = System.nanoTime();
    double capacity = settings.perAddressPerMinute();
    double perNano = capacity / TimeUnit.MINUTES.toNanos(1);
    boolean[] admitted = new boolean[1];
    Bucket bucket = update(buckets, address, (key, old) -> {
      double tokens = old == null ? capacity : Math.min(capacity, old.tokens() + (now - old.lastNanos()) * perNano);
      admitted[0] = tokens >= 1;
      return new Bucket(admitted[0] ? tokens - 1 : tokens, now);
    });
    if (!admitted[0]) {
      int wait = (int) Math.ceil((1 - bucket.tokens()) / perNano / SECOND);
      throw Problem.tooManyRequests("Too many logins and registrations from this address; try again in " + wait
        + " s.", wait);
    }
  }

  /** Refuses with 429 while the e-mail is locked out after failed logins. */
  public void checkAccount(String email) {
    Failures current = failures.get(email);
    long now = System.nanoTime();
    if (current != null && now < current.lockedUntilNanos()) {
      int wait = (int) Math.ceil((current.lockedUntilNanos() - now) / (double) SECOND);
      throw Problem.tooManyRequests("Too many failed logins for this e-mail; try again in " + wait + " s.", wait);
    }
  }

  /** A login for the e-mail failed (wrong password, or no such account). */
  public void loginFailed(String email) {
    long now = System.nanoTime();
    long window = settings.failureWindowSeconds() * SECOND;
    update(failures, email, (key, old) -> {
      boolean fresh = old == null || (now - old.lastNanos() > window && now >= old.lockedUntilNanos());
      int count = fresh ? 1 : old.count() + 1;
      int lockouts = fresh ? 0 : old.lockouts();
      long lockedUntil = fresh ? 0 : old.lockedUntilNanos();
      if (count >= settings.failuresBeforeLockout()) {
        long seconds = Math.min(settings.maxLockoutSeconds(),
          (long) settings.lockoutSeconds() << Math.min(lockouts, 30));
        lockouts++;
        lockedUntil = now + seconds * SECOND;
        count = settings.failuresBeforeLockout() - 1; // the next failure after this refusal ends locks again, longer
      }
      return new Failures(count, now, lockedUntil, lockouts);
    });
  }

  /** A login for the e-mail succeeded: its failures are forgotten. */
  public void loginSucceeded(String email) {
    failures.remove(email);
  }

  /** Takes a place in the hashing queue, or refuses with 429; give it back with {@link #hashDone()}. */
  public void startHash() {
    if (hashing.incrementAndGet() > settings.hashQueue()) {
      hashing.decrementAndGet();
      throw Problem.tooManyRequests("The server is busy checking passwords; try again in a moment.", 1);
    }
  }

  public void hashDone() {
    hashing.decrementAndGet();
  }

  private <V> V update(Map<String, V> map, String key,
                       java.util.function.BiFunction<String, V, V> change) {
    if (!map.containsKey(key) && (map.size() >= settings.maxEntries() || inserts.incrementAndGet() % 1024 == 0)) {
      sweep();
    }
    return map.compute(key, change);
  }

  /** Drops the entries that limit nothing any more, and arbitrary ones while a map is still over 90 % full. */
  private void sweep() {
    long now = System.nanoTime();
    long window = settings.failureWindowSeconds() * SECOND;
    failures.values().removeIf(f -> now - f.lastNanos() > window && now >= f.lockedUntilNanos());
    buckets.values().removeIf(b -> now - b.lastNanos() >= TimeUnit.MINUTES.toNanos(1));
    trim(failures);
    trim(buckets);
  }

  /**
   * Drops entries down to 90 % of the limit, never an account refused right now: a flood of junk e-mails must not be
   * a way to lift the lock-out of the one being guessed.
   */
  private void trim(Map<String, ?> map) {
    int target = settings.maxEntries() * 9 / 10;
    long now = System.nanoTime();
    Iterator<? extends Map.Entry<String, ?>> entries = map.entrySet().iterator();
    while (map.size() > target && entries.hasNext()) {
      if (entries.next().getValue() instanceof Failures failure && now < failure.lockedUntilNanos()) {
        continue;
      }
      entries.remove();
    }
  }
}
