package dev.taskflow.recurrence.rule;

/**
 * A recurrence the engine will not accept, or will not evaluate because it costs more than its {@link RuleLimits}; the
 * message says what is wrong (the API's 422 detail).
 */
public class InvalidRuleException extends RuntimeException {

  public InvalidRuleException(String message) {
    super(message, null, false, false);
  }
}
