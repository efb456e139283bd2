package dev.taskflow.launcher;

import io.vertx.core.Deployable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The verticles this launcher knows, by the name {@code --verticles} takes. A verticle whose module is not on the
 * class path (a slimmer image for one pod) is simply not present.
 */
final class Verticles {

  private static final Map<String, String> CLASSES = new LinkedHashMap<>();

  static {
    // deployed in this order: consumers before the relay that feeds them, the API last
    CLASSES.put("audit", "dev.taskflow.audit.AuditVerticle");
    CLASSES.put("recurrence", "dev.taskflow.recurrence.RecurrenceVerticle");
    CLASSES.put("notifier", "dev.taskflow.notifier.NotifierVerticle");
    CLASSES.put("relay", "dev.taskflow.core.outbox.RelayVerticle");
    CLASSES.put("api", "dev.taskflow.api.ApiVerticle");
  }

  private Verticles() {
  }

  static List<String> names() {
    return List.copyOf(CLASSES.keySet());
  }

  static List<String> present() {
    return CLASSES.keySet().stream().filter(name -> load(name).isPresent()).toList();
  }

  /** The names in deployment order. */
  static List<String> ordered(List<String> names) {
    return CLASSES.keySet().stream().filter(names::contains).toList();
  }

  static Optional<Class<? extends Deployable>> load(String name) {
    String className = CLASSES.get(name);
    if (className == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Class.forName(className).asSubclass(Deployable.class));
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    }
  }
}
