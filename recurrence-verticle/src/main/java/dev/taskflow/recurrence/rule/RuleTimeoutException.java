package dev.taskflow.recurrence.rule;

/**
 * An evaluation ran past its {@link RuleLimits#timeout()}. Unlike the other {@link InvalidRuleException}s it may depend
 * on the load of the machine, so the spawner tries such a series again later instead of ending it.
 */
public final class RuleTimeoutException extends InvalidRuleException {

  public RuleTimeoutException(String message) {
    super(message);
  }
}
