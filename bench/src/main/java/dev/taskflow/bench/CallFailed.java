package dev.taskflow.bench;

/** A call that got an answer, but not the one expected (an HTTP status other than 201, say). No stack trace. */
final class CallFailed extends RuntimeException {

  CallFailed(String message) {
    super(message, null, false, false);
  }
}
