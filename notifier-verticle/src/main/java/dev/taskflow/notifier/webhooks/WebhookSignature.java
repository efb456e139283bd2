package dev.taskflow.notifier.webhooks;

import io.vertx.core.buffer.Buffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The {@code Taskflow-Signature} header of a webhook delivery: {@code t=<unix seconds>,v1=<hex>}, where the hex is
 * HMAC-SHA256, keyed with the webhook's secret (its UTF-8 bytes, exactly as the API returned it), of
 * {@code <t>.<body>}: the timestamp, a dot, and the raw request body. A receiver recomputes it over the bytes it
 * received, compares in constant time, and refuses a timestamp too far from its clock (a replayed delivery).
 */
public final class WebhookSignature {

  public static final String HEADER = "Taskflow-Signature";
  private static final String ALGORITHM = "HmacSHA256";

  private WebhookSignature() {
  }

  public static String header(String secret, long unixSeconds, Buffer body) {
    return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac(secret, unixSeconds, body));
  }

  /**
   * What a receiver does: true when {@code header} signs {@code body} with {@code secret} and its timestamp is within
   * {@code toleranceSeconds} of {@code nowSeconds}.
   */
  public static boolean verify(String secret, String header, Buffer body, long nowSeconds, long toleranceSeconds) {
    if (header == null) {
      return false;
    }
    Long timestamp = null;
    byte[] given = null;
    for (String part : header.split(",")) {
      String[] pair = part.strip().split("=", 2);
      if (pair.length != 2) {
        continue;
      }
      try {
        if (pair[0].equals("t")) {
          timestamp = Long.parseLong(pair[1]);
        } else if (pair[0].equals("v1")) {
          given = HexFormat.of().parseHex(pair[1]);
        }
      } catch (IllegalArgumentException malformed) {
        return false;
      }
    }
    return timestamp != null && given != null && Math.abs(nowSeconds - timestamp) <= toleranceSeconds
      && MessageDigest.isEqual(given, mac(secret, timestamp, body));
  }

  private static byte[] mac(String secret, long unixSeconds, Buffer body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body.getBytes());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
