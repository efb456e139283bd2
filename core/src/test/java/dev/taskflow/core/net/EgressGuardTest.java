package dev.taskflow.core.net;

import dev.taskflow.core.config.TaskflowConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The egress guard of webhook URLs")
class EgressGuardTest {

  private final EgressGuard guard = new EgressGuard(false);
  private final EgressGuard allowing = new EgressGuard(true);

  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }

  @Test
  @DisplayName("private addresses are refused by default, and the setting has an environment variable")
  void defaults() {
    assertThat(EgressGuard.from(TaskflowConfig.defaults()).allowPrivate()).isFalse();
    assertThat(EgressGuard.from(new JsonObject()).allowPrivate()).isFalse();
    assertThat(EgressGuard.from(new JsonObject().put("webhooks.allow.private", true)).allowPrivate()).isTrue();
    assertThat(EgressGuard.HINT).contains("webhooks.allow.private").contains("TASKFLOW_WEBHOOKS_ALLOW_PRIVATE");
  }

  @Test
  @DisplayName("a host written as a refused address says what it is, also in the forms that hide it")
  void literals() {
    assertThat(guard.refusal("10.0.0.5")).contains("10.0.0.5 is a private address");
    assertThat(guard.refusal("[::1]")).contains("[::1] is a loopback address");
    assertThat(guard.refusal("169.254.169.254")).contains("169.254.169.254 is a link-local address");
    assertThat(guard.refusal("0x7f.1")).contains("0x7f.1 is 127.0.0.1, a loopback address");
    assertThat(guard.refusal("2130706433")).contains("2130706433 is 127.0.0.1, a loopback address");
    assertThat(guard.refusal("[::ffff:10.0.0.5]")).contains("[::ffff:10.0.0.5] is 10.0.0.5, a private address");
    assertThat(guard.refusal("100.64.1.2")).contains("100.64.1.2 is a carrier-grade NAT address");
  }

  @Test
  @DisplayName("localhost and its subdomains are refused by name; other names and public addresses pass unresolved")
  void names() {
    assertThat(guard.refusal("localhost")).contains("localhost is a loopback name");
    assertThat(guard.refusal("hooks.LOCALHOST")).contains("hooks.LOCALHOST is a loopback name");
    assertThat(guard.refusal("example.com")).isEmpty();
    assertThat(guard.refusal("metadata.google.internal")).as("checked when resolved").isEmpty();
    assertThat(guard.refusal("93.184.215.14")).isEmpty();
    assertThat(guard.refusal("[2606:4700:4700::1111]")).isEmpty();
  }

  @Test
  @DisplayName("any one refused address among a name's addresses refuses it")
  void resolved() throws UnknownHostException {
    assertThat(guard.refusal("example.internal", List.of(ip("93.184.215.14"), ip("10.0.0.5"))))
      .hasValueSatisfying(refused -> {
        assertThat(refused.reason()).as("what the user reads: no address").isEqualTo(
          "example.internal resolves to a private address");
        assertThat(refused.detail()).isEqualTo("example.internal resolves to 10.0.0.5, a private address");
      });
    assertThat(guard.refusal("rebind.example", List.of(ip("::ffff:127.0.0.1")))).map(EgressGuard.Refused::detail)
      .contains("rebind.example resolves to 127.0.0.1, a loopback address");
    assertThat(guard.refusal("example.com", List.of(ip("93.184.215.14"), ip("2606:2800:21f:cb07:6820:80da:af6b:8b2c"))))
      .isEmpty();
  }

  @Test
  @DisplayName("allowed, nothing is refused; a host that is no valid address is refused either way")
  void allowed() throws UnknownHostException {
    assertThat(allowing.refusal("127.0.0.1")).isEmpty();
    assertThat(allowing.refusal("localhost")).isEmpty();
    assertThat(allowing.refusal("example.internal", List.of(ip("10.0.0.5")))).isEmpty();
    assertThatThrownBy(() -> allowing.refusal("1.2.3.4.5")).isInstanceOf(IllegalArgumentException.class);
  }
}
