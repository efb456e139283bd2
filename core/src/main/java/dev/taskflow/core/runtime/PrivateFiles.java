package dev.taskflow.core.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Directories and files that only the user running Taskflow may read: the data directory, the embedded PostgreSQL's
 * and Kafka's data, the database password, the generated token key pair. Java cannot set a umask, so the files inside such a directory may be 0644
 * (Kafka's segments are); the 0700 directory is what keeps other users out of them. On a file system without POSIX
 * permissions these are plain directories and files.
 */
public final class PrivateFiles {

  private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
  /** Whether the file system has POSIX permissions to set at all. */
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PrivateFiles() {
  }

  /**
   * Creates {@code dir} (and its missing parents) with mode 0700, or takes the group's and others' rights away from an
   * existing one. Answers {@code dir}.
   */
  public static Path directory(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        if (POSIX) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        } else {
          Files.createDirectories(dir);
        }
      }
      restrict(dir, OWNER_ONLY_DIR);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the private directory " + dir.toAbsolutePath().normalize(), e);
    }
  }

  /**
   * The secret kept in {@code file} (mode 0600), made by {@code generate} and written there first when there is none.
   * The file appears complete or not at all: it is written to a temporary file (0600 before anything is in it) and
   * published with a hard link, which fails if another writer got there first; then that one's secret is read.
   */
  public static String secret(Path file, Supplier<String> generate) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (!Files.exists(file)) {
        Path temp = Files.createTempFile(dir, file.getFileName() + "-", ".tmp");
        try {
          restrict(temp, OWNER_ONLY_FILE);
          Files.writeString(temp, generate.get() + "\n", StandardCharsets.UTF_8);
          Files.createLink(file, temp);
          LOG.info("Generated a new secret in {} (mode 0600)", file.toAbsolutePath());
        } catch (FileAlreadyExistsException lostTheRace) {
          // another process wrote one at the same moment: use theirs
        } finally {
          Files.deleteIfExists(temp);
        }
      }
      restrict(file, OWNER_ONLY_FILE);
      String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (secret.isEmpty()) {
        throw new IllegalStateException(file.toAbsolutePath() + " is empty; delete it to have a new secret made");
      }
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read or write the secret in " + file.toAbsolutePath(), e);
    }
  }

  /** Sets {@code wanted} unless the path has it; says so when that took rights away from the group or others. */
  private static void restrict(Path path, Set<PosixFilePermission> wanted) throws IOException {
    if (!POSIX) {
      return;
    }
    Set<PosixFilePermission> current = Files.getPosixFilePermissions(path);
    if (!current.equals(wanted)) {
      Files.setPosixFilePermissions(path, wanted);
      if (current.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
        LOG.info("{} was {}, now {}: only its owner may read it", path.toAbsolutePath().normalize(),
          PosixFilePermissions.toString(current), PosixFilePermissions.toString(wanted));
      }
    }
  }
}
