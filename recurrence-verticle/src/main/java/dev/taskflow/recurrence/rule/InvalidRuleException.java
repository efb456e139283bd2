package dev.taskflow.recurrence.rule;

/** A recurrence the engine will not accept; the message says what is wrong (the API's 422 detail). */
public final class InvalidRuleException extends RuntimeException {

  public InvalidRuleException(String message) {
    super(message, null, false, false);
  }
}
