package dev.taskflow.core.net;

import dev.taskflow.core.config.TaskflowConfig;
import io.vertx.core.json.JsonObject;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Where requests the server makes on a user's behalf (webhook deliveries) may go: by default only to public addresses
 * ({@link AddressRanges}), so a webhook URL cannot make Taskflow call its own database, a cloud metadata service or the
 * network it runs in. {@code webhooks.allow.private} lifts this for deployments whose receivers are internal.
 *
 * <p>Both ends use it. The API refuses a URL whose host is a refused address written out, or a loopback name, without
 * resolving anything (a name may resolve differently by the time of delivery). The notifier checks every address the
 * name resolves to at each attempt, and connects to the address it checked.
 *
 * @param allowPrivate true: every address is allowed, as it was before this guard
 */
public record EgressGuard(boolean allowPrivate) {

  /** The setting that allows private and internal addresses. */
  public static final String ALLOW_PRIVATE = "webhooks.allow.private";

  /** What a refusal says an operator can do about it. */
  public static final String HINT = "loopback, private, link-local and other internal addresses are refused unless "
    + "the server's operator sets " + ALLOW_PRIVATE + " (" + TaskflowConfig.envName(ALLOW_PRIVATE) + ") to true";

  public static EgressGuard from(JsonObject config) {
    return new EgressGuard(config.getBoolean(ALLOW_PRIVATE, false));
  }

  /**
   * Why a URL's host is refused as written, looking nothing up: an address in a refused range or a loopback name,
   * such as "10.0.0.5 is a private address"; empty for a public address and for any other name, which is checked when
   * it is resolved.
   *
   * @throws IllegalArgumentException when the host is not a valid address although it must be one (see
   *                                  {@link AddressRanges#literal}), whether private addresses are allowed or not
   */
  public Optional<String> refusal(String host) {
    Optional<InetAddress> literal = AddressRanges.literal(host);
    if (allowPrivate) {
      return Optional.empty();
    }
    if (literal.isPresent()) {
      InetAddress address = literal.get();
      return AddressRanges.refused(address).map(kind -> host + " is "
        + (written(host, address) ? "" : address.getHostAddress() + ", ") + kind.phrase());
    }
    return AddressRanges.loopbackName(host) ? Optional.of(host + " is a loopback name") : Optional.empty();
  }

  /**
   * The first of the addresses a host resolved to that is refused, and what it is. One is enough: a name that answers
   * with an internal address among public ones is not one to send a user's requests to, whichever address is tried
   * first.
   */
  public Optional<Refused> refusal(String host, List<InetAddress> addresses) {
    if (allowPrivate) {
      return Optional.empty();
    }
    for (InetAddress address : addresses) {
      Optional<AddressRanges.Kind> kind = AddressRanges.refused(address);
      if (kind.isPresent()) {
        return Optional.of(new Refused(host, address, kind.get()));
      }
    }
    return Optional.empty();
  }

  /** A name that resolved to a refused address. */
  public record Refused(String host, InetAddress address, AddressRanges.Kind kind) {

    /**
     * What the user may read (a delivery's error): not the address, which would make webhooks a way to look up the
     * server's internal names, such as "example.internal resolves to a private address".
     */
    public String reason() {
      return host + " resolves to " + kind.phrase();
    }

    /** What the server's log may say: "example.internal resolves to 10.0.0.5, a private address". */
    public String detail() {
      return host + " resolves to " + address.getHostAddress() + ", " + kind.phrase();
    }
  }

  /** The host already reads as its address (10.0.0.5, [fe80::1]); 0x7f.1 and [::ffff:127.0.0.1] do not. */
  private static boolean written(String host, InetAddress address) {
    if (host.startsWith("[")) {
      return address instanceof Inet6Address;
    }
    return host.equals(address.getHostAddress()) || host.equals(address.getHostAddress() + ".");
  }
}
