package dev.taskflow.core.net;

import dev.taskflow.core.net.AddressRanges.Kind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Address ranges a webhook may not reach")
class AddressRangesTest {

  private static InetAddress address(String literal) {
    return AddressRanges.literal(literal).orElseThrow(() -> new AssertionError(literal + " is not a literal"));
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "0.0.0.0, UNSPECIFIED", "0.1.2.3, UNSPECIFIED",
    "127.0.0.1, LOOPBACK", "127.255.255.254, LOOPBACK",
    "10.0.0.5, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "192.168.1.1, PRIVATE",
    "169.254.169.254, LINK_LOCAL", "169.254.0.1, LINK_LOCAL",
    "100.64.0.1, CARRIER_GRADE_NAT", "100.127.255.255, CARRIER_GRADE_NAT",
    "224.0.0.1, MULTICAST", "239.255.255.250, MULTICAST",
    "192.0.0.8, RESERVED", "192.0.2.1, RESERVED", "198.18.0.1, RESERVED", "198.19.255.255, RESERVED",
    "198.51.100.7, RESERVED", "203.0.113.9, RESERVED", "240.0.0.1, RESERVED", "255.255.255.255, RESERVED",
    "192.88.99.1, RESERVED",
    "[::], UNSPECIFIED", "[::1], LOOPBACK", "[0:0:0:0:0:0:0:1], LOOPBACK",
    "[fc00::1], PRIVATE", "[fd12:3456:789a::1], PRIVATE", "[fec0::1], PRIVATE", "[64:ff9b:1::a00:5], PRIVATE",
    "[fe80::1], LINK_LOCAL", "[febf::1], LINK_LOCAL",
    "[ff02::1], MULTICAST", "[ff0e::1], MULTICAST",
    "[2001:db8::1], RESERVED", "[3fff::1], RESERVED", "[2001::1], RESERVED", "[2001:2::1], RESERVED",
    "[100::1], RESERVED", "[4000::1], RESERVED", "[::8.8.8.8], RESERVED",
    // IPv6 that carries an IPv4 address is that address
    "[::ffff:127.0.0.1], LOOPBACK", "[::ffff:7f00:1], LOOPBACK", "[::ffff:10.0.0.5], PRIVATE",
    "[::ffff:169.254.169.254], LINK_LOCAL", "[::ffff:0:127.0.0.1], LOOPBACK", "[::127.0.0.1], LOOPBACK",
    "[64:ff9b::127.0.0.1], LOOPBACK", "[64:ff9b::a9fe:a9fe], LINK_LOCAL", "[2002:7f00:1::], LOOPBACK",
    "[2002:c0a8:101::1], PRIVATE",
    // the forms resolvers and browsers read as IPv4
    "2130706433, LOOPBACK", "0x7f.1, LOOPBACK", "0x7F000001, LOOPBACK", "0177.0.0.1, LOOPBACK", "127.1, LOOPBACK",
    "127.0.1, LOOPBACK", "10.0.0.5., PRIVATE", "0, UNSPECIFIED", "0xa9.0xfe.0xa9.0xfe, LINK_LOCAL",
    "3232235777, PRIVATE", "0xc0.0xa8.1.1, PRIVATE"})
  void refused(String literal, Kind kind) {
    assertThat(AddressRanges.refused(address(literal))).contains(kind);
  }

  @ParameterizedTest(name = "{0} is public")
  @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "1.1.1.1", "172.32.0.1", "172.15.255.255", "100.63.255.255",
    "100.128.0.1", "169.253.1.1", "192.169.0.1", "11.0.0.1", "126.255.255.255", "128.0.0.1", "223.255.255.255",
    "198.20.0.1", "[2606:4700:4700::1111]", "[2a00:1450:4001:80b::200e]", "[2001:4860:4860::8888]",
    "[::ffff:8.8.8.8]", "[64:ff9b::808:808]", "[2002:808:808::1]", "134744072", "0x8.0x8.0x8.0x8"})
  void publicAddress(String literal) {
    assertThat(AddressRanges.refused(address(literal))).isEmpty();
  }

  @Test
  @DisplayName("the forms of one address all read as it, with no lookup")
  void legacyForms() throws UnknownHostException {
    InetAddress loopback = InetAddress.getByAddress(new byte[]{127, 0, 0, 1});
    for (String form : new String[]{"127.0.0.1", "2130706433", "0x7f.1", "0x7f.0.0.1", "0177.0.0.01", "127.1",
      "017700000001", "0x7f000001", "127.0.0.1."}) {
      assertThat(AddressRanges.literal(form)).as(form).contains(loopback);
    }
  }

  @ParameterizedTest(name = "{0} is a name")
  @ValueSource(strings = {"example.com", "localhost", "hooks.example.com.", "1.2.3.example", "0x7f.example", "ab",
    "cafe", "1e3", "example.123abc", "xn--bcher-kva.example"})
  void names(String host) {
    assertThat(AddressRanges.literal(host)).isEmpty();
  }

  @ParameterizedTest(name = "{0} is not a valid address")
  @ValueSource(strings = {"256.0.0.1", "1.2.3.4.5", "1.2.3.256", "1.2.65536", "4294967296", "08.0.0.1", "0x1g.1",
    "1..2", "[::g]", "[1:2:3]", "example.08", "[example.com]", "١٢٧.0.0.1"})
  void invalid(String host) {
    assertThatThrownBy(() -> AddressRanges.literal(host)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageStartingWith(host);
  }

  @ParameterizedTest(name = "{0} is a loopback name")
  @ValueSource(strings = {"localhost", "LOCALHOST", "localhost.", "api.localhost", "a.b.localhost"})
  void loopbackNames(String host) {
    assertThat(AddressRanges.loopbackName(host)).isTrue();
  }

  @ParameterizedTest(name = "{0} is not a loopback name")
  @ValueSource(strings = {"example.com", "localhost.example.com", "notlocalhost", "mylocalhost"})
  void otherNames(String host) {
    assertThat(AddressRanges.loopbackName(host)).isFalse();
  }
}
