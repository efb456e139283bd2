package dev.taskflow.core.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * The ES256 key pair Taskflow signs its tokens with, as PEM text. Blocking (file I/O): call from a worker.
 *
 * @param privatePem PKCS#8 private key
 * @param publicPem  X.509 SubjectPublicKeyInfo public key
 */
public record JwtKeys(String privatePem, String publicPem) {

  private static final Logger LOG = LoggerFactory.getLogger(JwtKeys.class);
  static final String PRIVATE_FILE = "es256-private.pem";
  static final String PUBLIC_FILE = "es256-public.pem";

  /** The configured pair, or the one kept in the data directory, generated there on first run. */
  public static JwtKeys loadOrCreate(JwtSettings settings) {
    try {
      if (settings.privateKeyPath() != null) {
        if (settings.publicKeyPath() == null) {
          throw new IllegalArgumentException("jwt.private.key is set but jwt.public.key is not");
        }
        return new JwtKeys(Files.readString(Path.of(settings.privateKeyPath())),
          Files.readString(Path.of(settings.publicKeyPath())));
      }
      Path dir = settings.dataDir().resolve("jwt");
      Path privateFile = dir.resolve(PRIVATE_FILE);
      Path publicFile = dir.resolve(PUBLIC_FILE);
      if (Files.exists(privateFile) && Files.exists(publicFile)) {
        return new JwtKeys(Files.readString(privateFile), Files.readString(publicFile));
      }
      JwtKeys keys = generate();
      Files.createDirectories(dir);
      Files.writeString(publicFile, keys.publicPem(), StandardCharsets.US_ASCII);
      Files.writeString(privateFile, keys.privatePem(), StandardCharsets.US_ASCII);
      try {
        Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the directory's permissions are all there is
      }
      LOG.info("Generated a new ES256 signing key pair in {}", dir.toAbsolutePath());
      return keys;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or write the JWT signing keys", e);
    }
  }

  /** A fresh P-256 key pair. */
  public static JwtKeys generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      return new JwtKeys(pem("PRIVATE KEY", pair.getPrivate().getEncoded()),
        pem("PUBLIC KEY", pair.getPublic().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM cannot generate P-256 keys", e);
    }
  }

  private static String pem(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }
}
