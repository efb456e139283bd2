package dev.taskflow.core.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A postmaster still running on a data directory whose owner died without stopping it (kill -9, a crash of the JVM):
 * PostgreSQL runs as a process of its own and outlives the JVM that started it, and a new start on the same
 * directory fails ("lock file postmaster.pid already exists") until it is stopped. The caller must know that no live
 * process owns the directory ({@link EmbeddedPostgresServer#stopLeftover} holds zonky's lock on it); then the pid in
 * {@code postmaster.pid} is signalled only after {@code /proc} shows that it is a {@code postgres} working in this
 * directory: SIGINT (fast shutdown: open transactions roll back, a checkpoint is written), then SIGQUIT (immediate
 * shutdown, recovered at the next start), then SIGKILL. Linux only; elsewhere the directory is left to PostgreSQL.
 */
final class LeftoverPostmaster {

  private static final Logger LOG = LoggerFactory.getLogger(LeftoverPostmaster.class);

  private LeftoverPostmaster() {
  }

  /** Stops the postmaster named in {@code dataDir/postmaster.pid} if it still runs; removes a pid file gone stale. */
  static void stop(Path dataDir) {
    Path pidFile = dataDir.resolve("postmaster.pid");
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException stoppedMeanwhile) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + pidFile, e);
    }
    long pid;
    try {
      pid = Long.parseLong(lines.isEmpty() ? "" : lines.get(0).strip());
    } catch (NumberFormatException e) {
      return; // not written completely: PostgreSQL replaces such a file itself
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) {
      LOG.info("{} names pid {}, which is not running: PostgreSQL replaces it", pidFile, pid);
      return;
    }
    Optional<Boolean> ours = isPostmasterOf(pid, dataDir, lines);
    if (ours.isEmpty()) {
      LOG.warn("{} names pid {}, which runs, but /proc does not tell what it is: leaving it to PostgreSQL", pidFile,
        pid);
      return;
    }
    if (!ours.get()) {
      LOG.warn("{} names pid {}, which is not a PostgreSQL on this directory (the pid was reused): removing the stale "
        + "file", pidFile, pid);
      delete(pidFile);
      return;
    }
    LOG.warn("A PostgreSQL (pid {}) is still running on {}, left by a Taskflow that did not stop it (killed or "
      + "crashed): stopping it", pid, dataDir.toAbsolutePath().normalize());
    long started = System.nanoTime();
    if (signalled(pid, "INT", process.get(), 60) || signalled(pid, "QUIT", process.get(), 15)) {
      LOG.info("The leftover PostgreSQL (pid {}) stopped in {} ms", pid, (System.nanoTime() - started) / 1_000_000);
      return;
    }
    process.get().destroyForcibly();
    if (!exited(process.get(), 15)) {
      throw new IllegalStateException("The PostgreSQL left running on " + dataDir.toAbsolutePath().normalize()
        + " (pid " + pid + ") does not stop, not even after SIGKILL; stop it, then start Taskflow again");
    }
    LOG.warn("The leftover PostgreSQL (pid {}) had to be killed; it recovers from its write-ahead log at the start",
      pid);
  }

  /**
   * Whether {@code pid} is a {@code postgres} whose working directory (a postmaster works in its data directory) is
   * {@code dataDir}, or, when its working directory cannot be read, whose pid file names {@code dataDir}; empty when
   * {@code /proc} cannot say.
   */
  private static Optional<Boolean> isPostmasterOf(long pid, Path dataDir, List<String> pidFileLines) {
    Path proc = Path.of("/proc", Long.toString(pid));
    String argv0;
    Path ourDir;
    try {
      String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
      argv0 = cmdline.split("\0", 2)[0];
      ourDir = dataDir.toRealPath();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (!Path.of(argv0.isEmpty() ? "?" : argv0).getFileName().toString().equals("postgres")) {
      return Optional.of(false);
    }
    try {
      return Optional.of(Files.readSymbolicLink(proc.resolve("cwd")).equals(ourDir));
    } catch (IOException | RuntimeException cannotReadCwd) {
      return Optional.of(pidFileLines.size() > 1 && Path.of(pidFileLines.get(1).strip()).equals(ourDir));
    }
  }

  /** Sends {@code SIG<signal>} with kill(1) and answers whether the process exited within {@code seconds}. */
  private static boolean signalled(long pid, String signal, ProcessHandle process, int seconds) {
    try {
      Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
      }
    } catch (IOException e) {
      LOG.warn("Cannot run kill -s {} {}: {}", signal, pid, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return exited(process, seconds);
  }

  private static boolean exited(ProcessHandle process, int seconds) {
    try {
      process.onExit().get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove the stale " + file, e);
    }
  }
}
