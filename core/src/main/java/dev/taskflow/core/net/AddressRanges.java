package dev.taskflow.core.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which IP addresses are not public: the ranges a request the server makes on a user's behalf (a webhook) must not
 * reach unless the operator allows it, each with what it is. From IANA's IPv4 and IPv6 special-purpose address
 * registries: loopback, unspecified, private (RFC 1918, IPv6 unique local), link-local (where cloud metadata services
 * answer, {@code 169.254.169.254}), carrier-grade NAT ({@code 100.64.0.0/10}), multicast, and the reserved rest
 * (documentation, benchmarking, protocol assignments, {@code 240.0.0.0/4} and broadcast, IPv6 outside
 * {@code 2000::/3}). An IPv6 address that carries an IPv4 one (mapped {@code ::ffff:a.b.c.d}, compatible
 * {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) is what its IPv4 address is.
 *
 * <p>Also how a URL's host names an address without any lookup: an IPv6 literal in brackets, or an IPv4 address in
 * any form resolvers and browsers accept ({@code 127.0.0.1}, {@code 2130706433}, {@code 0x7f.1}, {@code 0177.0.0.1}:
 * the WHATWG URL standard's IPv4 parser, so a host that ends in a number is an address, never a name).
 */
public final class AddressRanges {

  /** What a refused address is, as a message says it. */
  public enum Kind {
    UNSPECIFIED("an unspecified address"),
    LOOPBACK("a loopback address"),
    PRIVATE("a private address"),
    LINK_LOCAL("a link-local address"),
    CARRIER_GRADE_NAT("a carrier-grade NAT address"),
    MULTICAST("a multicast address"),
    RESERVED("a reserved address");

    private final String phrase;

    Kind(String phrase) {
      this.phrase = phrase;
    }

    /** "a private address". */
    public String phrase() {
      return phrase;
    }
  }

  private record Range(Cidr cidr, Kind kind) {

    boolean contains(byte[] address) {
      return cidr.contains(address);
    }
  }

  private static final List<Range> IPV4 = List.of(
    range("0.0.0.0", 8, Kind.UNSPECIFIED),
    range("10.0.0.0", 8, Kind.PRIVATE),
    range("100.64.0.0", 10, Kind.CARRIER_GRADE_NAT),
    range("127.0.0.0", 8, Kind.LOOPBACK),
    range("169.254.0.0", 16, Kind.LINK_LOCAL),
    range("172.16.0.0", 12, Kind.PRIVATE),
    range("192.0.0.0", 24, Kind.RESERVED),       // IETF protocol assignments
    range("192.0.2.0", 24, Kind.RESERVED),       // documentation
    range("192.88.99.0", 24, Kind.RESERVED),     // the former 6to4 relay anycast
    range("192.168.0.0", 16, Kind.PRIVATE),
    range("198.18.0.0", 15, Kind.RESERVED),      // benchmarking
    range("198.51.100.0", 24, Kind.RESERVED),    // documentation
    range("203.0.113.0", 24, Kind.RESERVED),     // documentation
    range("224.0.0.0", 4, Kind.MULTICAST),
    range("240.0.0.0", 4, Kind.RESERVED));       // future use, and the broadcast address

  /** Checked after the IPv6 forms that carry an IPv4 address. */
  private static final List<Range> IPV6 = List.of(
    range("::", 128, Kind.UNSPECIFIED),
    range("::1", 128, Kind.LOOPBACK),
    range("64:ff9b:1::", 48, Kind.PRIVATE),      // local-use NAT64
    range("100::", 64, Kind.RESERVED),           // discard-only
    range("2001::", 32, Kind.RESERVED),          // Teredo
    range("2001:2::", 48, Kind.RESERVED),        // benchmarking
    range("2001:10::", 28, Kind.RESERVED),       // ORCHID
    range("2001:20::", 28, Kind.RESERVED),       // ORCHIDv2
    range("2001:db8::", 32, Kind.RESERVED),      // documentation
    range("3fff::", 20, Kind.RESERVED),          // documentation
    range("fc00::", 7, Kind.PRIVATE),            // unique local
    range("fe80::", 10, Kind.LINK_LOCAL),
    range("fec0::", 10, Kind.PRIVATE),           // the former site-local
    range("ff00::", 8, Kind.MULTICAST));

  /** The global unicast space; IPv6 outside it is reserved. */
  private static final Range GLOBAL_UNICAST = range("2000::", 3, null);

  private AddressRanges() {
  }

  /** What the address is when it is not public; empty when it is. */
  public static Optional<Kind> refused(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      return ipv4(bytes);
    }
    byte[] embedded = embeddedIpv4(bytes);
    if (embedded != null) {
      Optional<Kind> kind = ipv4(embedded);
      // an IPv4-compatible address (::a.b.c.d) is deprecated and routes nowhere, whatever it carries
      return kind.isPresent() || !compatible(bytes) ? kind : Optional.of(Kind.RESERVED);
    }
    for (Range range : IPV6) {
      if (range.contains(bytes)) {
        return Optional.of(range.kind());
      }
    }
    return GLOBAL_UNICAST.contains(bytes) ? Optional.empty() : Optional.of(Kind.RESERVED);
  }

  /**
   * The address a URL's host names without a lookup: an IPv6 literal in brackets, or an IPv4 address in any of the
   * forms a resolver accepts; empty when the host is a name.
   *
   * @throws IllegalArgumentException when the host is neither a name nor a valid address ({@code [::g]},
   *                                  {@code 256.0.0.1}, {@code 1.2.3.4.5}: a host that ends in a number is an address)
   */
  public static Optional<InetAddress> literal(String host) {
    if (host.startsWith("[")) {
      try {
        // with a colon in brackets InetAddress parses an IPv6 literal or fails; without one it could look a name up
        if (host.endsWith("]") && host.contains(":")) {
          return Optional.of(InetAddress.getByName(host));
        }
      } catch (UnknownHostException e) {
        // below
      }
      throw new IllegalArgumentException(host + " is not a valid IPv6 address");
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String[] parts = name.split("\\.", -1);
    if (!endsInNumber(parts[parts.length - 1])) {
      return Optional.empty();
    }
    byte[] bytes = ipv4Literal(parts);
    if (bytes == null) {
      throw new IllegalArgumentException(host + " ends in a number but is not a valid IPv4 address");
    }
    try {
      return Optional.of(InetAddress.getByAddress(bytes));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code localhost} and the names under it (RFC 6761), which resolve to loopback wherever they resolve at all. */
  public static boolean loopbackName(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    return name.equals("localhost") || name.endsWith(".localhost");
  }

  private static Optional<Kind> ipv4(byte[] bytes) {
    for (Range range : IPV4) {
      if (range.contains(bytes)) {
        return Optional.of(range.kind());
      }
    }
    return Optional.empty();
  }

  /** The IPv4 address an IPv6 one carries (mapped, translated, compatible, NAT64, 6to4); null when none. */
  private static byte[] embeddedIpv4(byte[] b) {
    if (zeros(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff                    // ::ffff:a.b.c.d
      || zeros(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && zeros(b, 10, 12) // ::ffff:0:a.b.c.d
      || compatible(b)
      || b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && zeros(b, 4, 12)) {
      return new byte[]{b[12], b[13], b[14], b[15]};
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return new byte[]{b[2], b[3], b[4], b[5]};
    }
    return null;
  }

  /** ::a.b.c.d, but not :: or ::1. */
  private static boolean compatible(byte[] b) {
    return zeros(b, 0, 12) && !zeros(b, 12, 15);
  }

  private static boolean zeros(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** The WHATWG URL standard's "ends in a number": decimal digits, or 0x and hex digits. */
  private static boolean endsInNumber(String last) {
    if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return true;
    }
    return number(last) >= 0;
  }

  /** The WHATWG URL standard's IPv4 parser: one to four parts, the last filling the bytes the others leave. */
  private static byte[] ipv4Literal(String[] parts) {
    if (parts.length > 4) {
      return null;
    }
    long value = 0;
    for (int i = 0; i < parts.length - 1; i++) {
      long part = number(parts[i]);
      if (part < 0 || part > 255) {
        return null;
      }
      value = value << 8 | part;
    }
    long last = number(parts[parts.length - 1]);
    int lastBits = 8 * (5 - parts.length);
    if (last < 0 || last >= 1L << lastBits) {
      return null;
    }
    value = value << lastBits | last;
    return new byte[]{(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value};
  }

  /** One part of an IPv4 address: decimal, octal after a leading 0, hex after 0x; -1 when it is not a number. */
  private static long number(String part) {
    int radix = 10;
    String digits = part;
    if (part.length() >= 2 && part.charAt(0) == '0' && (part.charAt(1) == 'x' || part.charAt(1) == 'X')) {
      radix = 16;
      digits = part.substring(2);
      if (digits.isEmpty()) {
        return 0;
      }
    } else if (part.length() >= 2 && part.charAt(0) == '0') {
      radix = 8;
      digits = part.substring(1);
    }
    // more digits than any part can hold: not a number a resolver would take either
    if (digits.isEmpty() || digits.length() > 12) {
      return -1;
    }
    long value = 0;
    for (char c : digits.toCharArray()) {
      int digit = asciiDigit(c);
      if (digit < 0 || digit >= radix) {
        return -1;
      }
      value = value * radix + digit;
    }
    return value;
  }

  /** ASCII only: Character.digit would take other scripts' digits too. */
  private static int asciiDigit(char c) {
    return c >= '0' && c <= '9' ? c - '0'
      : c >= 'a' && c <= 'f' ? c - 'a' + 10
      : c >= 'A' && c <= 'F' ? c - 'A' + 10
      : -1;
  }

  private static Range range(String literal, int bits, Kind kind) {
    try {
      // literals only: InetAddress parses them without a lookup
      return new Range(new Cidr(InetAddress.getByName(literal).getAddress(), bits), kind);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(literal, e);
    }
  }
}
