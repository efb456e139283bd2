package dev.taskflow.notifier.push;

import dev.taskflow.core.push.P256;
import dev.taskflow.core.push.VapidKeys;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECPrivateKeySpec;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A Web Push message")
class WebPushMessageTest {

  @Test
  @DisplayName("encrypts RFC 8291's example (appendix A) to the RFC's body, byte for byte")
  void rfc8291Example() throws Exception {
    byte[] asPrivate = P256.fromBase64Url("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw");
    byte[] asPublic = P256.fromBase64Url(
      "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8");
    byte[] uaPublic = P256.fromBase64Url(
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4");
    byte[] auth = P256.fromBase64Url("BTBZMqHH6r4Tts7J_aSIgg");
    byte[] salt = P256.fromBase64Url("DGv6ra1nlYgDCS1FRnbzlw");
    PrivateKey privateKey = KeyFactory.getInstance("EC")
      .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, asPrivate), P256.PARAMS));
    KeyPair sender = new KeyPair(P256.publicKey(asPublic), privateKey);

    byte[] body = WebPushMessage.encrypt("When I grow up, I want to be a watermelon".getBytes(StandardCharsets.UTF_8),
      uaPublic, auth, sender, salt);

    assertThat(P256.base64Url(body)).isEqualTo("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIg"
      + "Dll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN");
  }

  @Test
  @DisplayName("is signed with a VAPID JWT for the endpoint's origin, valid for at most 24 hours, with the public key "
    + "as k=")
  void vapid() throws Exception {
    VapidKeys keys = VapidKeys.generate();
    Instant now = Instant.now();
    String header = WebPushMessage.authorization(keys, "mailto:ops@example.com",
      URI.create("https://push.example.net:8443/wpush/v2/abc?x=1"), now);

    assertThat(header).matches("vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=[\\w-]+");
    String jwt = header.substring("vapid t=".length(), header.indexOf(", k="));
    assertThat(header.substring(header.indexOf(", k=") + 4)).isEqualTo(keys.publicKeyBase64Url());
    String[] parts = jwt.split("\\.");
    JsonObject claims = new JsonObject(new String(P256.fromBase64Url(parts[1]), StandardCharsets.UTF_8));
    assertThat(claims.getString("aud")).isEqualTo("https://push.example.net:8443");
    assertThat(claims.getString("sub")).isEqualTo("mailto:ops@example.com");
    assertThat(claims.getLong("exp")).isGreaterThan(now.getEpochSecond()).isLessThanOrEqualTo(now.getEpochSecond() + 86_400);
    Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
    verifier.initVerify(keys.publicKey());
    verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(verifier.verify(P256.fromBase64Url(parts[2]))).isTrue();
  }

  @Test
  @DisplayName("refuses a payload larger than one 4096-byte record holds, and a p256dh that is not a P-256 point")
  void limits() {
    byte[] p256dh = P256.uncompressed(VapidKeys.generate().publicKey());
    assertThatThrownBy(() -> WebPushMessage.encrypt(new byte[WebPushMessage.MAX_PLAINTEXT + 1], p256dh, new byte[16]))
      .isInstanceOf(IllegalArgumentException.class);
    byte[] offCurve = p256dh.clone();
    offCurve[40] ^= 1;
    assertThatThrownBy(() -> WebPushMessage.encrypt(new byte[10], offCurve, new byte[16]))
      .hasMessageContaining("not a point on the P-256 curve");
  }

  @Test
  @DisplayName("costs about a millisecond of CPU to encrypt and sign (measured, printed, not asserted)")
  void cost() throws Exception {
    VapidKeys keys = VapidKeys.generate();
    byte[] p256dh = P256.uncompressed(VapidKeys.generate().publicKey());
    byte[] payload = new byte[300];
    URI endpoint = URI.create("https://push.example.net/abc");
    for (int i = 0; i < 200; i++) {
      WebPushMessage.encrypt(payload, p256dh, new byte[16]);
      WebPushMessage.authorization(keys, "mailto:a@b", endpoint, Instant.now());
    }
    int n = 500;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      WebPushMessage.encrypt(payload, p256dh, new byte[16]);
      WebPushMessage.authorization(keys, "mailto:a@b", endpoint, Instant.now());
    }
    System.out.printf("Web Push message: %.3f ms per encrypt + sign (mean of %d)%n",
      (System.nanoTime() - start) / 1e6 / n, n);
  }
}
