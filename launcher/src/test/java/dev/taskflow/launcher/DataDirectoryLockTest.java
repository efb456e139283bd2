package dev.taskflow.launcher;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The data directory lock")
class DataDirectoryLockTest {

  @TempDir
  Path root;

  @Test
  @DisplayName("is held by one owner at a time, who is named to the next, and is free again once released")
  void oneOwner() throws Exception {
    Path dataDir = root.resolve("taskflow-data");
    long pid = ProcessHandle.current().pid();
    try (DataDirectoryLock first = DataDirectoryLock.acquire(dataDir)) {
      assertThat(Files.readString(dataDir.resolve(DataDirectoryLock.FILE)).strip()).isEqualTo(Long.toString(pid));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
      assertThatThrownBy(() -> DataDirectoryLock.acquire(dataDir))
        .isInstanceOfSatisfying(StartRefused.class,
          e -> assertThat(e.exitCode()).isEqualTo(StartRefused.ALREADY_RUNNING))
        .hasMessageContaining("already running")
        .hasMessageContaining("(pid " + pid + ")")
        .hasMessageContaining("TASKFLOW_DATA_DIR");
    }
    DataDirectoryLock.acquire(dataDir).close();
  }
}
