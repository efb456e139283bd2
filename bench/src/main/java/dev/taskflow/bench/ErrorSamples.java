package dev.taskflow.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts errors by message, keeping a bounded number of distinct messages so a flood of errors stays cheap. */
final class ErrorSamples {

  static final int DISTINCT = 10;
  private static final String OTHERS = "(other messages)";
  private static final int LONGEST = 300;

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void add(Throwable error) {
    String message = describe(error);
    LongAdder count = counts.get(message);
    if (count == null) {
      count = counts.size() < DISTINCT
        ? counts.computeIfAbsent(message, m -> new LongAdder())
        : counts.computeIfAbsent(OTHERS, m -> new LongAdder());
    }
    count.increment();
  }

  Map<String, Long> snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((message, count) -> copy.put(message, count.sum()));
    return copy;
  }

  static String describe(Throwable error) {
    String message = error instanceof CallFailed
      ? error.getMessage()
      : error.getClass().getSimpleName() + ": " + error.getMessage();
    message = message.replaceAll("\\s+", " ").strip();
    return message.length() > LONGEST ? message.substring(0, LONGEST) + "..." : message;
  }
}
