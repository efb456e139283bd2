package dev.taskflow.core.management;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which of this process's consumers have joined their consumer group, for the readiness check: a process whose
 * consumers subscribed but were never given their share of the partitions is not ready yet. Kept in Vert.x's local
 * shared data (the transports of every verticle write it, the management server reads it). Joined once is joined: a
 * broker outage later does not take a process out of service (the API's fan-out consumer must not make the API
 * unready; the consumers resume by themselves when the broker is back).
 */
public final class ConsumerMembership {

  private static final String MAP = "taskflow.consumer.membership";

  private ConsumerMembership() {
  }

  /** A consumer subscribed and waits for its first assignment. */
  public static void joining(Vertx vertx, String consumer) {
    map(vertx).put(consumer, false);
  }

  /** It was given its partitions (possibly none, with more members than partitions): it is a member. */
  public static void joined(Vertx vertx, String consumer) {
    map(vertx).replace(consumer, false, true);
  }

  /** It closed. */
  public static void left(Vertx vertx, String consumer) {
    map(vertx).remove(consumer);
  }

  /** Every consumer of the process and whether it has joined, by name. */
  public static Map<String, Boolean> consumers(Vertx vertx) {
    return new TreeMap<>(map(vertx));
  }

  /** The consumers that have not joined yet. */
  public static List<String> pending(Vertx vertx) {
    return consumers(vertx).entrySet().stream().filter(entry -> !entry.getValue()).map(Map.Entry::getKey).toList();
  }

  private static LocalMap<String, Boolean> map(Vertx vertx) {
    return vertx.sharedData().getLocalMap(MAP);
  }
}
