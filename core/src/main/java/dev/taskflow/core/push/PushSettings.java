package dev.taskflow.core.push;

import dev.taskflow.core.consumer.RetryPolicy;
import dev.taskflow.core.net.EgressGuard;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Web Push configuration ({@code push.*}), read by the API (subscriptions) and the notifier (delivery).
 *
 * @param subject       the VAPID {@code sub} claim: a {@code mailto:} or {@code https:} contact for the push service
 * @param insecureHosts hosts ({@code host} or {@code host:port}) whose endpoints may be plain http and on a loopback
 *                      or private address: a local push-service stand-in for tests; every other endpoint must be an
 *                      https URL of a public address
 * @param perUser       subscriptions (devices) one user may have
 * @param ttl           how long a push service keeps a message for a device that is offline (the TTL header)
 * @param timeout       a push service that answers nothing for this long has failed the attempt
 * @param retry         attempts per delivery and the backoff between them (5xx, 429, timeouts, no connection)
 * @param inFlight      deliveries in flight at once per notifier instance
 * @param retention     finished deliveries are deleted this long after they finished
 */
public record PushSettings(String subject, Set<String> insecureHosts, int perUser, Duration ttl, Duration timeout,
                           RetryPolicy retry, int inFlight, Duration retention) {

  public PushSettings {
    if (!subject.startsWith("mailto:") && !subject.startsWith("https://")) {
      throw new IllegalArgumentException("push.vapid.subject must be a mailto: or https: URL, got '" + subject + "'");
    }
    if (perUser < 1 || inFlight < 1) {
      throw new IllegalArgumentException("push.subscriptions.per.user and push.concurrency must be at least 1");
    }
    if (retention.toDays() < 1) {
      throw new IllegalArgumentException("push.retention.days must be at least 1, got " + retention.toDays());
    }
  }

  public static PushSettings from(JsonObject config) {
    return new PushSettings(
      config.getString("push.vapid.subject", "mailto:admin@localhost"),
      Arrays.stream(config.getString("push.insecure.hosts", "").split(","))
        .map(host -> host.strip().toLowerCase(Locale.ROOT)).filter(host -> !host.isEmpty())
        .collect(Collectors.toUnmodifiableSet()),
      config.getInteger("push.subscriptions.per.user", 10),
      Duration.ofSeconds(config.getLong("push.ttl.seconds", 86_400L)),
      Duration.ofMillis(config.getLong("push.timeout.ms", 10_000L)),
      new RetryPolicy(config.getInteger("push.attempts", 6),
        Duration.ofMillis(config.getLong("push.backoff.initial.ms", 10_000L)),
        Duration.ofMillis(config.getLong("push.backoff.max.ms", 600_000L))),
      config.getInteger("push.concurrency", 32),
      Duration.ofDays(config.getInteger("push.retention.days", 7)));
  }

  /** Whether the endpoint's host is one of {@link #insecureHosts} (then http and private addresses are allowed). */
  public boolean insecure(URI endpoint) {
    String host = endpoint.getHost() == null ? "" : endpoint.getHost().toLowerCase(Locale.ROOT);
    return insecureHosts.contains(host) || insecureHosts.contains(host + ":" + endpoint.getPort());
  }

  /**
   * The endpoint as a URI when it may be pushed to: an absolute https URL with a host and no credentials or fragment,
   * whose host is not a loopback, private or internal address as written; or an http or https URL of one of the
   * {@link #insecureHosts}. Otherwise the reason, as a problem detail can say it.
   */
  public URI endpoint(String text) {
    URI uri;
    try {
      uri = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("endpoint is not a valid URL: " + e.getReason() + ".");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null || uri.getHost().isEmpty() || !uri.isAbsolute()) {
      throw new IllegalArgumentException("endpoint must be an absolute URL with a host, as PushManager.subscribe() "
        + "gives it.");
    }
    if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("endpoint must not carry credentials (user:password@) or a fragment (#...).");
    }
    if (insecure(uri)) {
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("endpoint must be an http or https URL.");
      }
      return uri;
    }
    if (!scheme.equals("https")) {
      throw new IllegalArgumentException("endpoint must be an https URL (a push service's); '" + text + "' is not.");
    }
    Optional<String> refusal;
    try {
      refusal = new EgressGuard(false).refusal(uri.getHost());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("endpoint must name a valid host: " + e.getMessage() + ".");
    }
    if (refusal.isPresent()) {
      throw new IllegalArgumentException("endpoint must not point to a private or internal address: "
        + refusal.get() + "; an operator can allow a local push service with push.insecure.hosts.");
    }
    return uri;
  }
}
