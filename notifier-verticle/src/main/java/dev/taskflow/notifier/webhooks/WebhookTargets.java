package dev.taskflow.notifier.webhooks;

import dev.taskflow.core.net.AddressRanges;
import dev.taskflow.core.net.EgressGuard;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a webhook delivery connects. The URL's host is resolved at each attempt, off the event loop, every address it
 * resolves to is checked by the {@link EgressGuard}, and the request goes to the first of them: the address checked is
 * the address connected to, so a name that answers differently a moment later (DNS rebinding) reaches nothing it was
 * not checked for. The request keeps the URL's host for its {@code Host} header and for TLS (SNI and the certificate
 * check), as if it had resolved the name itself.
 *
 * <p>Lookups block (the system resolver, with the JVM's cache), so they run on a worker pool of their own with a thread
 * for every request that may be in flight: a name whose servers do not answer holds its own attempts, never the event
 * loop or anyone else's lookup. The attempt's deadline covers its lookup. Web Push deliveries use it too.
 */
public final class WebhookTargets {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookTargets.class);

  /** A blocking name lookup. */
  @FunctionalInterface
  public interface Lookup {

    /** Every address of the name; fails when there is none. */
    List<InetAddress> addresses(String host) throws UnknownHostException;
  }

  /** The system resolver: /etc/hosts, DNS, whatever the host's name service is. */
  public static final Lookup SYSTEM = host -> List.of(InetAddress.getAllByName(host));

  /** A delivery the guard refuses: it is not sent, and waiting will not change that, so it is not retried. */
  public static final class Refused extends RuntimeException {

    Refused(String reason) {
      super("refused: " + reason, null, false, false);
    }
  }

  private final WorkerExecutor resolver;
  private final Lookup lookup;
  private final EgressGuard guard;

  public WebhookTargets(WorkerExecutor resolver, Lookup lookup, EgressGuard guard) {
    this.resolver = resolver;
    this.lookup = lookup;
    this.guard = guard;
  }

  /** The address to connect to for this URL, checked; failed with {@link Refused} when the guard refuses it. */
  public Future<SocketAddress> server(String url) {
    URL parsed;
    Optional<InetAddress> literal;
    Optional<String> refusal;
    try {
      // java.net.URL reads the URL as the web client does, so the host checked is the host it sends
      parsed = new URL(url);
      if (!parsed.getProtocol().equals("http") && !parsed.getProtocol().equals("https")) {
        throw new IllegalArgumentException("it is not an http or https URL");
      }
      if (parsed.getHost().isEmpty()) {
        // InetAddress would answer loopback for no name at all
        throw new IllegalArgumentException("it names no host");
      }
      literal = AddressRanges.literal(parsed.getHost());
      refusal = guard.refusal(parsed.getHost());
    } catch (MalformedURLException | IllegalArgumentException e) {
      return Future.failedFuture(new Refused(url + " cannot be sent to: " + e.getMessage()));
    }
    if (refusal.isPresent()) {
      return Future.failedFuture(new Refused(refusal.get() + "; " + EgressGuard.HINT));
    }
    int port = parsed.getPort() != -1 ? parsed.getPort() : parsed.getDefaultPort();
    if (literal.isPresent()) {
      return Future.succeededFuture(socket(literal.get(), port));
    }
    String host = parsed.getHost();
    return resolver.executeBlocking(() -> lookup.addresses(host), false).compose(addresses -> {
      Optional<EgressGuard.Refused> resolved = guard.refusal(host, addresses);
      if (resolved.isPresent()) {
        LOG.warn("Webhook delivery to {} refused: {}", url, resolved.get().detail());
        return Future.failedFuture(new Refused(resolved.get().reason() + "; " + EgressGuard.HINT));
      }
      return Future.succeededFuture(socket(addresses.get(0), port));
    });
  }

  /** Resolved already: the client connects to this address and looks nothing up. */
  private static SocketAddress socket(InetAddress address, int port) {
    return SocketAddress.inetSocketAddress(new InetSocketAddress(address, port));
  }
}
