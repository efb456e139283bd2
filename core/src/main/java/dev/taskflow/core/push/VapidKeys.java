package dev.taskflow.core.push;

import dev.taskflow.core.runtime.PrivateFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The VAPID key pair (RFC 8292) push messages are signed with: an ECDSA P-256 pair generated on first run and kept in
 * {@code <data.dir>/push/vapid-keypair.pem} (PKCS#8 then X.509 PEM, mode 0600 in a 0700 directory, written once with a
 * hard link like the JWT pair, so processes starting together on a fresh directory agree), reused afterwards. Browsers
 * subscribe with its public key, so replacing the file makes every existing subscription fail (the push service
 * answers 403) until the devices subscribe again. Blocking (file I/O): call from a worker.
 */
public record VapidKeys(ECPrivateKey privateKey, ECPublicKey publicKey) {

  static final String KEY_PAIR_FILE = "vapid-keypair.pem";

  public static synchronized VapidKeys loadOrCreate(Path dataDir) {
    Path file = PrivateFiles.directory(dataDir.resolve("push")).resolve(KEY_PAIR_FILE);
    return parse(PrivateFiles.secret(file, VapidKeys::generatePem));
  }

  /**
   * The pair in {@code push.vapid.key.file} when it is set (a file in the format written here, e.g. a Kubernetes
   * secret shared by the API and notifier pods, which have no data directory in common), else
   * {@link #loadOrCreate(Path) the data directory's}.
   */
  public static VapidKeys load(io.vertx.core.json.JsonObject config) {
    String file = config.getString("push.vapid.key.file", "");
    if (file != null && !file.isBlank()) {
      try {
        return parse(java.nio.file.Files.readString(Path.of(file), StandardCharsets.US_ASCII).strip());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("Cannot read the VAPID key pair in push.vapid.key.file " + file, e);
      }
    }
    return loadOrCreate(Path.of(config.getString("data.dir", "./taskflow-data")));
  }

  /** The public key as browsers' {@code applicationServerKey} and the {@code k=} parameter want it. */
  public String publicKeyBase64Url() {
    return P256.base64Url(P256.uncompressed(publicKey));
  }

  /** A fresh pair. */
  public static VapidKeys generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      return new VapidKeys((ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM cannot generate P-256 keys", e);
    }
  }

  private static String generatePem() {
    return generate().pem();
  }

  /** The pair in the format {@link #load} reads: the PKCS#8 private key's PEM, then the public key's. */
  public String pem() {
    return pem("PRIVATE KEY", privateKey.getEncoded()) + pem("PUBLIC KEY", publicKey.getEncoded());
  }

  private static VapidKeys parse(String pems) {
    int split = pems.indexOf("-----BEGIN PUBLIC KEY-----");
    if (!pems.startsWith("-----BEGIN PRIVATE KEY-----") || split < 0) {
      throw new IllegalStateException("The VAPID key pair file must hold a PKCS#8 private key, then a public key");
    }
    try {
      KeyFactory factory = KeyFactory.getInstance("EC");
      ECPrivateKey privateKey = (ECPrivateKey) factory.generatePrivate(
        new PKCS8EncodedKeySpec(der(pems.substring(0, split))));
      ECPublicKey publicKey = (ECPublicKey) factory.generatePublic(new X509EncodedKeySpec(der(pems.substring(split))));
      return new VapidKeys(privateKey, publicKey);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalStateException("The VAPID key pair file does not hold a P-256 key pair: " + e.getMessage(), e);
    }
  }

  private static byte[] der(String pem) {
    return Base64.getMimeDecoder().decode(pem.replaceAll("-----(BEGIN|END) (PRIVATE|PUBLIC) KEY-----", "").strip());
  }

  private static String pem(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }
}
