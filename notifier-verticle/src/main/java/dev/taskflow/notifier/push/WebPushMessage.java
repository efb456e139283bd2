package dev.taskflow.notifier.push;

import dev.taskflow.core.push.P256;
import dev.taskflow.core.push.VapidKeys;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * One Web Push message, with the JDK's crypto only: the body encrypted for the subscription as RFC 8291 says
 * ({@code aes128gcm} content coding of RFC 8188: ECDH of a fresh key pair with the browser's {@code p256dh}, HKDF with
 * its {@code auth} secret, one record of at most {@link #RECORD_SIZE} bytes), and the RFC 8292 VAPID
 * {@code Authorization} header ({@code vapid t=<ES256 JWT>, k=<public key>}; the JWT's {@code aud} is the endpoint's
 * origin, {@code exp} {@link #JWT_LIFETIME} ahead, {@code sub} the operator's contact). About a millisecond of CPU
 * (two scalar multiplications and a signature): the dispatcher runs it on a worker.
 */
final class WebPushMessage {

  static final int RECORD_SIZE = 4096;
  /** RFC 8292 allows at most 24 hours. */
  static final Duration JWT_LIFETIME = Duration.ofHours(12);
  /** The most a payload may be: one record holds it with its delimiter and the 16-byte tag. */
  static final int MAX_PLAINTEXT = RECORD_SIZE - 17;
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebPushMessage() {
  }

  /** The {@code aes128gcm} body: salt, record size, the sender's public key as key id, then the one record. */
  static byte[] encrypt(byte[] plaintext, byte[] p256dh, byte[] authSecret) throws GeneralSecurityException {
    if (plaintext.length > MAX_PLAINTEXT) {
      throw new IllegalArgumentException("a push payload is at most " + MAX_PLAINTEXT + " bytes, this is "
        + plaintext.length);
    }
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return encrypt(plaintext, p256dh, authSecret, generator.generateKeyPair(), salt);
  }

  /** With the sender's key pair and the salt given: RFC 8291's example (appendix A) is reproducible. */
  static byte[] encrypt(byte[] plaintext, byte[] p256dh, byte[] authSecret, KeyPair ephemeral, byte[] salt)
    throws GeneralSecurityException {
    ECPublicKey browserKey = P256.publicKey(p256dh);
    byte[] senderKey = P256.uncompressed((ECPublicKey) ephemeral.getPublic());
    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(ephemeral.getPrivate());
    agreement.doPhase(browserKey, true);
    byte[] ecdhSecret = agreement.generateSecret();

    byte[] keyInfo = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), p256dh, senderKey);
    byte[] ikm = hkdf(authSecret, ecdhSecret, keyInfo, 32);
    byte[] cek = hkdf(salt, ikm, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
    byte[] nonce = hkdf(salt, ikm, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);

    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
    // the last (and only) record ends with the delimiter 0x02 and no padding
    byte[] record = cipher.doFinal(concat(plaintext, new byte[]{2}));
    return concat(salt, ByteBuffer.allocate(4).putInt(RECORD_SIZE).array(), new byte[]{(byte) senderKey.length},
      senderKey, record);
  }

  /** {@code vapid t=..., k=...} for a request to {@code endpoint}. */
  static String authorization(VapidKeys keys, String subject, URI endpoint, Instant now)
    throws GeneralSecurityException {
    String origin = endpoint.getScheme() + "://" + endpoint.getRawAuthority();
    String header = P256.base64Url("{\"typ\":\"JWT\",\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8));
    String claims = P256.base64Url(new io.vertx.core.json.JsonObject()
      .put("aud", origin)
      .put("exp", now.plus(JWT_LIFETIME).getEpochSecond())
      .put("sub", subject)
      .encode().getBytes(StandardCharsets.UTF_8));
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(keys.privateKey());
    signer.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
    String jwt = header + "." + claims + "." + P256.base64Url(signer.sign());
    return "vapid t=" + jwt + ", k=" + keys.publicKeyBase64Url();
  }

  /** HKDF-SHA-256 (RFC 5869) for one block of output, which is all Web Push needs. */
  static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(salt, "HmacSHA256"));
    byte[] prk = mac.doFinal(ikm);
    mac.init(new SecretKeySpec(prk, "HmacSHA256"));
    return Arrays.copyOf(mac.doFinal(concat(info, new byte[]{1})), length);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
