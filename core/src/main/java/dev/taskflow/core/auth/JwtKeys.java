package dev.taskflow.core.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The ES256 key pair Taskflow signs its tokens with, as PEM text. Blocking (file I/O): call from a worker.
 *
 * @param privatePem PKCS#8 private key
 * @param publicPem  X.509 SubjectPublicKeyInfo public key
 */
public record JwtKeys(String privatePem, String publicPem) {

  private static final Logger LOG = LoggerFactory.getLogger(JwtKeys.class);
  static final String KEY_PAIR_FILE = "es256-keypair.pem";

  /**
   * The configured pair, or the one kept in the data directory, generated there on first run. Safe when several
   * verticle instances or processes start at once on a fresh directory: the pair is written to a temporary file and
   * published with a hard link, which fails if another writer got there first; everyone then reads the winner's pair.
   */
  public static synchronized JwtKeys loadOrCreate(JwtSettings settings) {
    try {
      if (settings.privateKeyPath() != null) {
        if (settings.publicKeyPath() == null) {
          throw new IllegalArgumentException("jwt.private.key is set but jwt.public.key is not");
        }
        return new JwtKeys(Files.readString(Path.of(settings.privateKeyPath())),
          Files.readString(Path.of(settings.publicKeyPath())));
      }
      Path dir = settings.dataDir().resolve("jwt");
      Path file = dir.resolve(KEY_PAIR_FILE);
      if (!Files.exists(file)) {
        Files.createDirectories(dir);
        JwtKeys fresh = generate();
        Path temp = Files.createTempFile(dir, "keypair-", ".tmp");
        try {
          Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system: the directory's permissions are all there is
        }
        Files.writeString(temp, fresh.privatePem() + fresh.publicPem(), StandardCharsets.US_ASCII);
        try {
          Files.createLink(file, temp);
          LOG.info("Generated a new ES256 signing key pair in {}", file.toAbsolutePath());
        } catch (FileAlreadyExistsException lostTheRace) {
          // another process generated one at the same moment: use theirs
        } finally {
          Files.deleteIfExists(temp);
        }
      }
      return parse(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or write the JWT signing keys", e);
    }
  }

  /**
   * The JWS algorithm the pair signs with, from the public key's type: an EC key (P-256) signs ES256, an RSA key
   * RS256. Configured PEM files may be either.
   */
  public String algorithm() {
    byte[] der = Base64.getMimeDecoder().decode(publicPem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", ""));
    for (String type : new String[]{"EC", "RSA"}) {
      try {
        KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
        return "EC".equals(type) ? "ES256" : "RS256";
      } catch (GeneralSecurityException notThisType) {
        // try the next
      }
    }
    throw new IllegalArgumentException("The public key is neither an EC P-256 nor an RSA key");
  }

  private static JwtKeys parse(String pems) {
    int split = pems.indexOf("-----BEGIN PUBLIC KEY-----");
    if (!pems.startsWith("-----BEGIN PRIVATE KEY-----") || split < 0) {
      throw new IllegalStateException("The key pair file must hold a PKCS#8 private key, then a public key");
    }
    return new JwtKeys(pems.substring(0, split), pems.substring(split));
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
