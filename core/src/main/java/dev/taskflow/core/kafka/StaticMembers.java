package dev.taskflow.core.kafka;

import java.util.HashSet;
import java.util.Set;

/**
 * The {@code group.instance.id}s this process's consumers use. Kafka fences the older of two members with the same id
 * in one group, so each consumer of a process gets its own: {@code <kafka.group.instance.id>-<topic>-<n>}, with the
 * smallest {@code n} not in use for that group (several API verticle instances consume {@code task-events} in one
 * group). The same process deploying the same verticles gets the same ids again, which is what lets a restarted
 * process take its partitions back at once.
 */
final class StaticMembers {

  /** group + " " + instance id, for every consumer open in this process; guarded by itself. */
  private static final Set<String> IN_USE = new HashSet<>();

  private StaticMembers() {
  }

  static String acquire(String base, String group, String topic) {
    synchronized (IN_USE) {
      for (int n = 0; ; n++) {
        String id = base + "-" + topic + "-" + n;
        if (IN_USE.add(group + " " + id)) {
          return id;
        }
      }
    }
  }

  static void release(String group, String id) {
    synchronized (IN_USE) {
      IN_USE.remove(group + " " + id);
    }
  }
}
