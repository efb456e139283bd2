package dev.taskflow.recurrence.rule;

import java.time.Duration;

/**
 * What one evaluation of a rule may cost. The {@link Expander} builds the whole candidate set of a FREQ period before it
 * hands out the first occurrence of it (BYSETPOS picks from the whole set), so the cost is bounded before iterating ({@code maxCandidatesPerPeriod}, {@code maxSkippedPeriods}) and between steps
 * ({@code maxSteps}, {@code timeout}).
 *
 * @param maxCandidatesPerPeriod the most candidate date-times one FREQ period may expand to (BYMONTH × BYMONTHDAY ×
 *                               BYDAY × BYHOUR × BYMINUTE × BYSECOND …, counted as RFC 5545's table expands them for
 *                               the FREQ); a rule above it is refused before anything is iterated
 * @param maxSteps               occurrences one call may step through
 * @param maxSkippedPeriods      FREQ periods one jump may skip
 * @param timeout                how long one call may take, checked between steps
 */
public record RuleLimits(long maxCandidatesPerPeriod, int maxSteps, long maxSkippedPeriods, Duration timeout) {

  /** 10,000 candidates a period cost about 0.2 ms to build; a step through them all a few ms. */
  public static final RuleLimits DEFAULT = new RuleLimits(10_000, 100_000, 5_000_000, Duration.ofMillis(250));

  public RuleLimits {
    if (maxCandidatesPerPeriod < 1 || maxSteps < 1 || maxSkippedPeriods < 1 || timeout.isNegative()
      || timeout.isZero()) {
      throw new IllegalArgumentException("rule limits must be positive");
    }
  }

  public RuleLimits withTimeout(Duration timeout) {
    return new RuleLimits(maxCandidatesPerPeriod, maxSteps, maxSkippedPeriods, timeout);
  }
}
