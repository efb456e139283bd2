package dev.taskflow.notifier.push;

import dev.taskflow.core.kafka.TestKafka;
import dev.taskflow.core.push.P256;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A local push service, as the browsers' ones behave towards an application server (RFC 8030, 8291, 8292): each
 * {@link Device} is a subscription made as a browser makes one (a P-256 key pair and a 16-byte auth secret of its own,
 * bound to the application server's VAPID public key). A push to a device's endpoint is accepted (201) only when its
 * {@code Authorization: vapid t=..., k=...} JWT is signed with {@code k}, {@code k} is the key the subscription was
 * made with, the claims hold ({@code aud} the stand-in's origin, {@code exp} in the future and at most 24 h ahead,
 * {@code sub} a mailto: or https: contact), the {@code TTL} header is there, and the {@code aes128gcm} body decrypts
 * with the device's private key and auth secret; otherwise 401/403/400 with the reason, recorded in
 * {@link #refusals}. Written from the RFCs, not from the sender's code, so a sender bug fails here.
 */
final class PushServiceStandIn implements AutoCloseable {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A browser's subscription: what {@code PushSubscription.toJSON()} gives, and what the stand-in decrypted. */
  final class Device {
    final UUID id = UUID.randomUUID();
    final KeyPair keys;
    final byte[] auth = new byte[16];
    final byte[] applicationServerKey;
    final Queue<JsonObject> received = new ConcurrentLinkedQueue<>();
    final Queue<Map<String, String>> headers = new ConcurrentLinkedQueue<>();
    volatile int answer = 201;

    Device(String applicationServerKey) {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        keys = generator.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      RANDOM.nextBytes(auth);
      this.applicationServerKey = P256.fromBase64Url(applicationServerKey);
    }

    String endpoint() {
      return origin() + "/push/" + id;
    }

    String p256dh() {
      return P256.base64Url(P256.uncompressed((ECPublicKey) keys.getPublic()));
    }

    String authSecret() {
      return P256.base64Url(auth);
    }
  }

  final Queue<String> refusals = new ConcurrentLinkedQueue<>();
  private final Map<String, Device> devices = new ConcurrentHashMap<>();
  private final HttpServer server;
  /** Flips a bit of every signature received before checking it, as a signature changed on the way would be. */
  volatile boolean tamperSignatures;

  PushServiceStandIn(Vertx vertx) {
    server = TestKafka.await(vertx.createHttpServer().requestHandler(this::receive).listen(0, "127.0.0.1"));
  }

  String origin() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** A new subscription, as a browser makes it with {@code applicationServerKey} (base64url). */
  Device subscribe(String applicationServerKey) {
    Device device = new Device(applicationServerKey);
    devices.put("/push/" + device.id, device);
    return device;
  }

  private void receive(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      Device device = devices.get(request.path());
      if (device == null || !request.method().name().equals("POST")) {
        request.response().setStatusCode(404).end();
        return;
      }
      try {
        checkVapid(request.getHeader("Authorization"), device);
        if (request.getHeader("TTL") == null || !request.getHeader("TTL").matches("\\d+")) {
          throw new Refusal(400, "no TTL header");
        }
        if (!"aes128gcm".equals(request.getHeader("Content-Encoding"))) {
          throw new Refusal(415, "Content-Encoding is not aes128gcm");
        }
        JsonObject payload = new JsonObject(new String(decrypt(body.getBytes(), device), StandardCharsets.UTF_8));
        if (device.answer >= 200 && device.answer < 300) {
          device.received.add(payload);
          device.headers.add(Map.of("Urgency", String.valueOf(request.getHeader("Urgency")),
            "TTL", request.getHeader("TTL"), "Content-Length", String.valueOf(body.length())));
        }
        request.response().setStatusCode(device.answer).end();
      } catch (Refusal refusal) {
        refusals.add(refusal.getMessage());
        request.response().setStatusCode(refusal.status).end(refusal.getMessage());
      }
    });
  }

  private void checkVapid(String authorization, Device device) {
    if (authorization == null || !authorization.startsWith("vapid ")) {
      throw new Refusal(401, "no vapid Authorization");
    }
    String token = null;
    String key = null;
    for (String part : authorization.substring(6).split(",")) {
      String[] pair = part.strip().split("=", 2);
      if (pair.length == 2 && pair[0].equals("t")) {
        token = pair[1];
      } else if (pair.length == 2 && pair[0].equals("k")) {
        key = pair[1];
      }
    }
    if (token == null || key == null) {
      throw new Refusal(401, "vapid Authorization without t= or k=");
    }
    byte[] k = P256.fromBase64Url(key);
    if (!Arrays.equals(k, device.applicationServerKey)) {
      throw new Refusal(403, "k= is not the key the subscription was made with");
    }
    String[] jwt = token.split("\\.");
    if (jwt.length != 3) {
      throw new Refusal(401, "t= is not a JWS");
    }
    JsonObject header = new JsonObject(new String(P256.fromBase64Url(jwt[0]), StandardCharsets.UTF_8));
    if (!"ES256".equals(header.getString("alg"))) {
      throw new Refusal(401, "alg is not ES256");
    }
    byte[] signature = P256.fromBase64Url(jwt[2]);
    if (tamperSignatures) {
      signature[signature.length / 2] ^= 0x01;
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
      verifier.initVerify(P256.publicKey(k));
      verifier.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
      if (signature.length != 64 || !verifier.verify(signature)) {
        throw new Refusal(403, "the VAPID signature does not verify");
      }
    } catch (GeneralSecurityException e) {
      throw new Refusal(403, "the VAPID signature does not verify: " + e);
    }
    JsonObject claims = new JsonObject(new String(P256.fromBase64Url(jwt[1]), StandardCharsets.UTF_8));
    long now = Instant.now().getEpochSecond();
    if (!origin().equals(claims.getString("aud"))) {
      throw new Refusal(403, "aud is " + claims.getString("aud") + ", not " + origin());
    }
    Long exp = claims.getLong("exp");
    if (exp == null || exp <= now || exp > now + 24 * 3600) {
      throw new Refusal(403, "exp is not within the next 24 hours: " + exp);
    }
    String sub = claims.getString("sub", "");
    if (!sub.startsWith("mailto:") && !sub.startsWith("https:")) {
      throw new Refusal(403, "sub is not a mailto: or https: contact: " + sub);
    }
  }

  /** RFC 8291 section 3.4 and RFC 8188, as the receiving browser does it. */
  private static byte[] decrypt(byte[] body, Device device) {
    try {
      ByteBuffer in = ByteBuffer.wrap(body);
      byte[] salt = new byte[16];
      in.get(salt);
      int recordSize = in.getInt();
      byte[] senderKey = new byte[in.get() & 0xff];
      in.get(senderKey);
      byte[] record = new byte[in.remaining()];
      in.get(record);
      if (recordSize < 18 || record.length > recordSize) {
        throw new Refusal(400, "not one record of at most rs bytes");
      }
      KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
      agreement.init(device.keys.getPrivate());
      agreement.doPhase(P256.publicKey(senderKey), true);
      byte[] ecdh = agreement.generateSecret();
      byte[] uaPublic = P256.uncompressed((ECPublicKey) device.keys.getPublic());
      byte[] ikm = hmac(hmac(device.auth, ecdh), concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII),
        uaPublic, senderKey, new byte[]{1}));
      byte[] prk = hmac(salt, ikm);
      byte[] cek = Arrays.copyOf(hmac(prk, concat("Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII),
        new byte[]{1})), 16);
      byte[] nonce = Arrays.copyOf(hmac(prk, concat("Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII),
        new byte[]{1})), 12);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
      byte[] padded = cipher.doFinal(record);
      int end = padded.length - 1;
      while (end >= 0 && padded[end] == 0) {
        end--;
      }
      if (end < 0 || padded[end] != 2) {
        throw new Refusal(400, "the record does not end with the last-record delimiter");
      }
      return Arrays.copyOf(padded, end);
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof Refusal refusal) {
        throw refusal;
      }
      throw new Refusal(400, "the body does not decrypt: " + e);
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static final class Refusal extends RuntimeException {
    final int status;

    Refusal(int status, String reason) {
      super(reason, null, false, false);
      this.status = status;
    }
  }

  @Override
  public void close() {
    TestKafka.await(server.close());
  }
}
