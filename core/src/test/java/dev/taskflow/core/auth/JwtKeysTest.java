package dev.taskflow.core.auth;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The signing key pair kept in the data directory")
class JwtKeysTest {

  private static JwtSettings settings(Path dataDir) {
    return new JwtSettings("taskflow", "taskflow", 3600, null, null, null, 600, dataDir);
  }

  @Test
  @DisplayName("is generated once, readable only by its owner, and the same on every later load")
  void generatedOnce(@TempDir Path dir) throws Exception {
    JwtKeys first = JwtKeys.loadOrCreate(settings(dir));
    JwtKeys again = JwtKeys.loadOrCreate(settings(dir));
    assertThat(again).isEqualTo(first);
    assertThat(first.privatePem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(first.publicPem()).startsWith("-----BEGIN PUBLIC KEY-----");
    Path file = dir.resolve("jwt").resolve(JwtKeys.KEY_PAIR_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    try (var files = Files.list(dir.resolve("jwt"))) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  @DisplayName("is one pair when many instances start at once on a fresh directory")
  void concurrentFirstRun(@TempDir Path dir) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<JwtKeys>> loads = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        loads.add(() -> JwtKeys.loadOrCreate(settings(dir)));
      }
      List<JwtKeys> keys = new ArrayList<>();
      for (Future<JwtKeys> f : pool.invokeAll(loads)) {
        keys.add(f.get());
      }
      assertThat(keys).allMatch(k -> k.equals(keys.get(0)));
    } finally {
      pool.shutdownNow();
    }
  }
}
