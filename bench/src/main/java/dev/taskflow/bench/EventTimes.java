package dev.taskflow.bench;

import io.vertx.sqlclient.Row;
import org.HdrHistogram.Histogram;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * When each event reached each stage, in microseconds since the epoch on this machine's wall clock (the clock
 * PostgreSQL stamps commits with), keyed by the event's subject: the task id, as every write creates one task and one
 * event. The broker's acknowledgements are stamped as they happen (the first one counts, should an event be
 * published twice); the commits of the task and of its {@code event_log} row are read from the database afterwards.
 */
final class EventTimes {

  /** One publish call of the relay that the broker acknowledged: when, and how many events. */
  private record Batch(long at, int size) {
  }

  /** Latencies from commit to a stage, over the events committed in a window; {@code missing} never got there. */
  record Latencies(Histogram micros, long events, long missing) {
  }

  /** Events the broker acknowledged in a window, and the relay's publish calls that carried them. */
  record Relayed(long events, long calls) {
  }

  private final long startNanos = System.nanoTime();
  private final long startMicros = wallMicros();
  private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
  private final Queue<Batch> batches = new ConcurrentLinkedQueue<>();
  private final Map<String, Long> committed = new HashMap<>();
  private final Map<String, Long> logged = new HashMap<>();

  /** The broker acknowledged a publish call carrying these events' subjects, just now. */
  void acknowledged(Iterable<String> subjects, int count) {
    long now = wallMicros();
    batches.add(new Batch(now, count));
    for (String subject : subjects) {
      acknowledged.putIfAbsent(subject, now);
    }
  }

  long acknowledgedCount() {
    return acknowledged.size();
  }

  /** Reads one task's commit time and its event_log row's (null while not logged), as {@code subject, committed, logged}. */
  void read(Row row) {
    committed.put(row.getString(0), row.getLong(1));
    if (row.getLong(2) != null) {
      logged.put(row.getString(0), row.getLong(2));
    }
  }

  long committedCount() {
    return committed.size();
  }

  /** Committed events the broker acknowledged. */
  long committedAndAcknowledged() {
    return committed.keySet().stream().filter(acknowledged::containsKey).count();
  }

  long loggedCount() {
    return logged.size();
  }

  /** A {@link System#nanoTime()} reading on the wall clock, in microseconds since the epoch. */
  long micros(long nanoTime) {
    return startMicros + (nanoTime - startNanos) / 1_000;
  }

  Latencies toAcknowledged(long from, long until) {
    return latencies(acknowledged, from, until);
  }

  Latencies toLogged(long from, long until) {
    return latencies(logged, from, until);
  }

  /** Acknowledgements in [from, until) (wall-clock microseconds). */
  Relayed acknowledgedIn(long from, long until) {
    long events = 0;
    long calls = 0;
    for (Batch batch : batches) {
      if (batch.at >= from && batch.at < until) {
        events += batch.size;
        calls++;
      }
    }
    return new Relayed(events, calls);
  }

  /** Commit-to-stage latencies of the events committed in [from, until) (wall-clock microseconds). */
  private Latencies latencies(Map<String, Long> stage, long from, long until) {
    Histogram micros = new Histogram(3);
    long events = 0;
    long missing = 0;
    for (Map.Entry<String, Long> commit : committed.entrySet()) {
      long at = commit.getValue();
      if (at < from || at >= until) {
        continue;
      }
      events++;
      Long reached = stage.get(commit.getKey());
      if (reached == null) {
        missing++;
      } else {
        micros.recordValue(Math.max(0, reached - at));
      }
    }
    return new Latencies(micros, events, missing);
  }

  private static long wallMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }
}
