package dev.taskflow.core.auth;

import dev.taskflow.core.runtime.PrivateFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  static final String KEY_PAIR_FILE = "es256-keypair.pem";

  /**
   * The configured pair, or the one kept in the data directory, generated there on first run ({@link PrivateFiles#secret}:
   * mode 0600, in a 0700 directory; safe when several verticle instances or processes start at once on a fresh
   * directory, since the pair is published with a hard link and everyone reads the winner's).
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
      Path file = PrivateFiles.directory(settings.dataDir().resolve("jwt")).resolve(KEY_PAIR_FILE);
      return parse(PrivateFiles.secret(file, () -> {
        JwtKeys fresh = generate();
        return fresh.privatePem() + fresh.publicPem();
      }));
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
    return new JwtKeys(withNewline(pems.substring(0, split)), withNewline(pems.substring(split)));
  }

  /** A PEM block as {@link #pem} writes it: ending in one newline (the file is read back stripped). */
  private static String withNewline(String pem) {
    return pem.strip() + "\n";
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
