package dev.taskflow.api.limits;

import dev.taskflow.core.net.Cidr;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.util.ArrayList;
import java.util.List;

/**
 * The address of the client a request comes from, for per-address limits. That is the connection's peer, unless the
 * peer is one of the trusted proxies ({@code http.trusted.proxies}: comma-separated addresses and CIDR ranges such as
 * {@code 10.0.0.0/8, ::1}); then it is the right-most address in {@code X-Forwarded-For} that is not a trusted proxy
 * (the left part of that header is whatever the client wrote). With no trusted proxies the header is ignored.
 */
public final class ClientAddress {

  private final List<Cidr> trusted;

  private ClientAddress(List<Cidr> trusted) {
    this.trusted = trusted;
  }

  /**
   * @param trustedProxies the {@code http.trusted.proxies} setting
   * @throws IllegalArgumentException naming an entry that is not an address or a range
   */
  public static ClientAddress of(String trustedProxies) {
    List<Cidr> ranges = new ArrayList<>();
    for (String entry : trustedProxies == null ? new String[0] : trustedProxies.split(",")) {
      String text = entry.strip();
      if (text.isEmpty()) {
        continue;
      }
      int slash = text.indexOf('/');
      byte[] address = bytes(slash < 0 ? text : text.substring(0, slash));
      int bits;
      try {
        bits = slash < 0 ? (address == null ? 0 : address.length * 8) : Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        bits = -1;
      }
      if (address == null || bits < 0 || bits > address.length * 8) {
        throw new IllegalArgumentException("http.trusted.proxies: '" + text + "' is not an IP address or a CIDR range");
      }
      ranges.add(new Cidr(address, bits));
    }
    return new ClientAddress(List.copyOf(ranges));
  }

  /** The client's address as text (the peer's, or the forwarded one when the peer is a trusted proxy). */
  public String of(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    String peer = remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
    if (trusted.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    List<String> forwarded = new ArrayList<>();
    for (String header : request.headers().getAll("X-Forwarded-For")) {
      for (String part : header.split(",")) {
        if (!part.isBlank()) {
          forwarded.add(part.strip());
        }
      }
    }
    String client = peer;
    for (int i = forwarded.size() - 1; i >= 0; i--) {
      client = forwarded.get(i);
      if (!isTrusted(client)) {
        return client;
      }
    }
    return client; // every hop is a trusted proxy: the left-most is as close to the client as is known
  }

  private boolean isTrusted(String address) {
    byte[] bytes = bytes(address);
    return bytes != null && trusted.stream().anyMatch(range -> range.contains(bytes));
  }

  /** An IP literal's bytes, never a name lookup; null when it is not one. */
  private static byte[] bytes(String text) {
    String literal = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    return NetUtil.createByteArrayFromIpAddressString(literal);
  }
}
