package dev.taskflow.recurrence.series;

import dev.taskflow.recurrence.rule.InvalidRuleException;
import dev.taskflow.recurrence.rule.Recurrence;
import dev.taskflow.recurrence.rule.RuleLimits;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * The rule evaluations of series, as plain functions run on the {@link RuleEvaluator}'s workers before anything is
 * written: what a new series starts with, what a skip skips, what the spawner spawns next. On-schedule series must not
 * occur more often than {@code minInterval}: a SECONDLY rule is refused, and so is one whose first
 * {@link #GAP_SAMPLE} occurrences come closer together; the spawner keeps the same gap for every occurrence after
 * (so a rule stored before the limit existed cannot spawn faster either).
 */
public final class SeriesRules {

  /** Occurrences an on-schedule rule's gaps are checked over. */
  static final int GAP_SAMPLE = 50;

  /** A new series: its rule, its first occurrence (DTSTART) and the one after, by the schedule (null: see Series). */
  record Plan(Recurrence recurrence, OffsetDateTime start, OffsetDateTime next) {
  }

  /** The occurrence to spawn and the one after it (null when there is none or the series is completion-anchored). */
  record Next(LocalDateTime occurrence, OffsetDateTime following) {
  }

  private final RuleLimits limits;
  private final Duration minInterval;

  public SeriesRules(RuleLimits limits, Duration minInterval) {
    this.limits = limits;
    this.minInterval = minInterval;
  }

  Duration minInterval() {
    return minInterval;
  }

  /**
   * Checks and evaluates a requested series for a task due at {@code dueAt} in {@code taskZone}. The series starts at
   * the rule's first occurrence at or after the asked DTSTART (the given one, else the task's due date): the first date
   * a preview from there shows. When DTSTART is not itself an occurrence (a Monday task given
   * {@code FREQ=WEEKLY;BYDAY=TU,TH}) the series' DTSTART is moved there, synchronised with its rule as RFC 5545 wants,
   * and the task, its first (or current) instance, is due there.
   */
  Plan plan(SeriesSpec spec, OffsetDateTime dueAt, String taskZone) {
    Recurrence asked = spec.resolve(dueAt, taskZone, limits);
    Recurrence recurrence = asked.synchronised().orElseThrow(() -> new InvalidRuleException("rrule '"
      + asked.rrule() + "' has no occurrence from " + Recurrence.format(asked.start()) + " on."));
    if (SeriesSpec.ON_SCHEDULE.equals(spec.spawn())) {
      checkInterval(recurrence);
      // the spawner's first look is "the latest occurrence up to now": it must be affordable from the start
      recurrence.latestBetween(recurrence.start(), LocalDateTime.now(recurrence.zone()));
    }
    OffsetDateTime next = SeriesSpec.COMPLETION.equals(spec.anchor()) ? null
      : recurrence.firstAfter(recurrence.start()).map(t -> recurrence.zoned(t).toOffsetDateTime()).orElse(null);
    return new Plan(recurrence, recurrence.zoned(recurrence.start()).toOffsetDateTime(), next);
  }

  private void checkInterval(Recurrence recurrence) {
    if (minInterval.isZero()) {
      return;
    }
    if ("SECONDLY".equals(recurrence.freq())) {
      throw new InvalidRuleException("An on_schedule series may occur at most once every " + minInterval.toSeconds()
        + " s; FREQ=SECONDLY is refused for it (spawn on_completion, or use a longer FREQ).");
    }
    recurrence.shortestGap(GAP_SAMPLE).filter(gap -> gap.compareTo(minInterval) < 0).ifPresent(gap -> {
      throw new InvalidRuleException("An on_schedule series may occur at most once every " + minInterval.toSeconds()
        + " s; rrule '" + recurrence.rrule() + "' has occurrences " + gap.toSeconds() + " s apart.");
    });
  }

  /** The stored series' recurrence, within the limits; a rule refused by them is an {@link InvalidRuleException}. */
  Recurrence recurrence(Series series) {
    return Recurrence.of(series.rrule(), series.dtstart(), series.timezone(), series.exdates(), limits);
  }

  /** The next occurrence of an on-completion series whose newest instance was completed at {@code completedAt}. */
  Optional<Next> afterCompletion(Series series, OffsetDateTime completedAt) {
    Recurrence recurrence = recurrence(series);
    if (series.completionAnchored()) {
      Integer count = recurrence.count();
      if (count != null && series.instances() >= count) {
        return Optional.empty();
      }
      LocalDateTime restart = local(completedAt, recurrence).toLocalDate().atTime(series.dtstart().toLocalTime());
      return recurrence.restartedAt(restart).firstAfter(restart).map(next -> new Next(next, null));
    }
    return recurrence.firstAfter(local(series.lastOccurrenceAt(), recurrence))
      .map(next -> new Next(next, following(recurrence, next, Duration.ZERO)));
  }

  /**
   * What an on-schedule series spawns at {@code now}: the latest occurrence that has come (the catch-up rule), and the
   * first one at least {@link #minInterval} after it. Empty when nothing has come after all; then {@code skipTo} is
   * where the schedule goes (empty: the series has ended).
   */
  Scheduled onSchedule(Series series, OffsetDateTime now) {
    Recurrence recurrence = recurrence(series);
    Optional<LocalDateTime> next = recurrence.firstAfter(local(series.lastOccurrenceAt(), recurrence));
    Optional<LocalDateTime> latest = next.flatMap(from -> recurrence.latestBetween(from, local(now, recurrence)));
    if (latest.isEmpty()) {
      return new Scheduled(next.orElse(null), null, next.map(t -> recurrence.zoned(t).toOffsetDateTime()));
    }
    return new Scheduled(next.get(), new Next(latest.get(), following(recurrence, latest.get(), minInterval)),
      Optional.empty());
  }

  /** An on-schedule round's answer; {@code spawn} null: nothing to spawn, move the schedule to {@code skipTo}. */
  record Scheduled(LocalDateTime due, Next spawn, Optional<OffsetDateTime> skipTo) {
  }

  /** The skip of a series' next scheduled occurrence: the skipped one, and the next after it (null: none). */
  record Skip(LocalDateTime skipped, OffsetDateTime next) {
  }

  Skip skip(Series series) {
    Recurrence recurrence = recurrence(series);
    LocalDateTime skipped = recurrence.firstAfter(local(series.lastOccurrenceAt(), recurrence))
      .orElseThrow(() -> SeriesProblem.conflict("The series has no next occurrence to skip."));
    OffsetDateTime next = recurrence.excluding(skipped).firstAfter(skipped)
      .map(t -> recurrence.zoned(t).toOffsetDateTime()).orElse(null);
    return new Skip(skipped, next);
  }

  /** The first occurrence after {@code occurrence} and at least {@code gap} after it in time; null when none. */
  private static OffsetDateTime following(Recurrence recurrence, LocalDateTime occurrence, Duration gap) {
    OffsetDateTime at = recurrence.zoned(occurrence).toOffsetDateTime();
    LocalDateTime after = gap.isZero() ? occurrence
      : local(at.plus(gap).minusSeconds(1), recurrence);
    if (after.isBefore(occurrence)) {
      after = occurrence;
    }
    return recurrence.firstAfter(after).map(t -> recurrence.zoned(t).toOffsetDateTime()).orElse(null);
  }

  /** The local time in the series' zone of a stored instant. */
  static LocalDateTime local(OffsetDateTime instant, Recurrence recurrence) {
    return instant.atZoneSameInstant(recurrence.zone()).toLocalDateTime();
  }
}
