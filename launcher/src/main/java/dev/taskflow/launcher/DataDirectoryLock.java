package dev.taskflow.launcher;

import dev.taskflow.core.config.TaskflowConfig;
import dev.taskflow.core.runtime.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The claim of one process on {@code data.dir} while it runs an embedded PostgreSQL or Kafka there: an exclusive lock
 * on {@code <data.dir>/taskflow.lock}, which holds the owner's pid. The operating system drops the lock when the owner
 * dies, however it dies, so a lock that cannot be taken means a live Taskflow, and one that can means that anything
 * still running on the directory (a PostgreSQL outlives a killed JVM) was left by a dead one. The file itself stays.
 */
final class DataDirectoryLock implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryLock.class);
  static final String FILE = "taskflow.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock on {@code dataDir} (made 0700, created when missing) for this process, or refuses with
   * {@link StartRefused#ALREADY_RUNNING} and the owner's pid.
   */
  static DataDirectoryLock acquire(Path dataDir) {
    Path file = PrivateFiles.directory(dataDir).resolve(FILE);
    try {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldInThisJvm) {
        lock = null;
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      if (lock == null) {
        channel.close();
        throw new StartRefused(StartRefused.ALREADY_RUNNING, "Taskflow is already running on the data directory "
          + dataDir.toAbsolutePath().normalize() + " (pid " + owner(file) + "): stop that one first, or give this one "
          + "another data.dir (" + TaskflowConfig.envName("data.dir") + ")");
      }
      long pid = ProcessHandle.current().pid();
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      channel.force(true);
      LOG.info("Data directory {} locked by this process (pid {})", dataDir.toAbsolutePath().normalize(), pid);
      return new DataDirectoryLock(channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock the data directory: " + file.toAbsolutePath().normalize(), e);
    }
  }

  private static String owner(Path file) {
    try {
      String pid = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return pid.isEmpty() ? "unknown" : pid;
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      LOG.warn("Cannot release the data directory lock: {}", e.toString());
    }
  }
}
