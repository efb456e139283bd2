package dev.taskflow.core.push;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.util.Arrays;
import java.util.Base64;

/**
 * P-256 public keys as Web Push writes them: the uncompressed point (65 bytes, {@code 0x04 || X || Y}), base64url
 * without padding. A browser's {@code p256dh} and the VAPID application server key are such points.
 */
public final class P256 {

  /** secp256r1's domain parameters, taken from the JDK. */
  public static final ECParameterSpec PARAMS = params();
  private static final int FIELD_BYTES = 32;
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

  private P256() {
  }

  /** The uncompressed point of the key. */
  public static byte[] uncompressed(ECPublicKey key) {
    byte[] point = new byte[1 + 2 * FIELD_BYTES];
    point[0] = 0x04;
    copy(key.getW().getAffineX(), point, 1);
    copy(key.getW().getAffineY(), point, 1 + FIELD_BYTES);
    return point;
  }

  /**
   * The key of an uncompressed point; throws {@link IllegalArgumentException} with the reason when it is not 65 bytes,
   * not uncompressed, or not a point on P-256.
   */
  public static ECPublicKey publicKey(byte[] point) {
    if (point.length != 1 + 2 * FIELD_BYTES || point[0] != 0x04) {
      throw new IllegalArgumentException("it is not an uncompressed P-256 point (65 bytes starting with 0x04)");
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + FIELD_BYTES));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 1 + FIELD_BYTES, point.length));
    EllipticCurve curve = PARAMS.getCurve();
    BigInteger p = ((java.security.spec.ECFieldFp) curve.getField()).getP();
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0
      || !y.modPow(BigInteger.TWO, p).equals(x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p))) {
      throw new IllegalArgumentException("it is not a point on the P-256 curve");
    }
    try {
      return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), PARAMS));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("it is not a valid P-256 public key: " + e.getMessage());
    }
  }

  public static String base64Url(byte[] bytes) {
    return B64URL.encodeToString(bytes);
  }

  /** Base64url, with or without padding; {@link IllegalArgumentException} when it is not. */
  public static byte[] fromBase64Url(String text) {
    return B64URL_DECODER.decode(text);
  }

  private static void copy(BigInteger value, byte[] into, int offset) {
    byte[] bytes = value.toByteArray();
    int start = Math.max(0, bytes.length - FIELD_BYTES);
    int length = bytes.length - start;
    System.arraycopy(bytes, start, into, offset + FIELD_BYTES - length, length);
  }

  private static ECParameterSpec params() {
    try {
      java.security.AlgorithmParameters parameters = java.security.AlgorithmParameters.getInstance("EC");
      parameters.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM has no P-256", e);
    }
  }
}
