package dev.taskflow.core.net;

/**
 * An address range in CIDR terms: the first {@code bits} bits of {@code prefix} (4 bytes for IPv4, 16 for IPv6).
 * One definition for the egress guard's table ({@link AddressRanges}) and the API's trusted proxies.
 */
public record Cidr(byte[] prefix, int bits) {

  public Cidr {
    if (bits < 0 || bits > prefix.length * 8) {
      throw new IllegalArgumentException("a /" + bits + " range of a " + prefix.length * 8 + "-bit address");
    }
  }

  /** True when {@code address} (of the same family) starts with the prefix's first {@code bits} bits. */
  public boolean contains(byte[] address) {
    if (address.length != prefix.length) {
      return false;
    }
    int whole = bits / 8;
    for (int i = 0; i < whole; i++) {
      if (address[i] != prefix[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    int mask = (0xff << (8 - rest)) & 0xff;
    return rest == 0 || (address[whole] & mask) == (prefix[whole] & mask);
  }
}
