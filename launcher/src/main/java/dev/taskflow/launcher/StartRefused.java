package dev.taskflow.launcher;

/**
 * Taskflow cannot start for a reason the user can fix, said in one sentence: {@code main} logs the message, without a
 * stack trace, and exits with {@link #exitCode()}.
 */
final class StartRefused extends RuntimeException {

  /** Another live Taskflow owns the data directory ({@link DataDirectoryLock}). */
  static final int ALREADY_RUNNING = 3;
  /** A port this process would listen on is taken ({@link Ports}). */
  static final int PORT_IN_USE = 4;

  private final int exitCode;

  StartRefused(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
