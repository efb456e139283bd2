package dev.taskflow.core.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Map;

/**
 * Loads Taskflow's configuration: the defaults on the classpath ({@code taskflow-defaults.json}), then an optional
 * file (JSON or YAML, given with {@code --conf} or {@code TASKFLOW_CONFIG}), then environment variables.
 *
 * <p>Keys are flat and dotted ({@code db.url}, {@code http.port}). Every key has an environment variable: upper case,
 * dots to underscores, prefixed with {@code TASKFLOW_} ({@code TASKFLOW_DB_URL}, {@code TASKFLOW_HTTP_PORT}). Only keys
 * that exist in the defaults are read from the environment, and a value is converted to the type of its default, so
 * {@code TASKFLOW_HTTP_PORT=abc} and {@code TASKFLOW_WEBHOOKS_ALLOW_PRIVATE=yes} fail at start-up instead of later.
 */
public final class TaskflowConfig {

  public static final String ENV_PREFIX = "TASKFLOW_";
  private static final String DEFAULTS = "taskflow-defaults.json";

  private TaskflowConfig() {
  }

  /** Loads the configuration with the process environment. */
  public static Future<JsonObject> load(Vertx vertx, String configFile) {
    return load(vertx, configFile, System.getenv());
  }

  public static Future<JsonObject> load(Vertx vertx, String configFile, Map<String, String> env) {
    String file = configFile != null && !configFile.isBlank() ? configFile : env.get(ENV_PREFIX + "CONFIG");
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
      .setScanPeriod(0)
      .addStore(new ConfigStoreOptions().setType("json").setConfig(defaults()));
    if (file != null && !file.isBlank()) {
      String format = file.endsWith(".yaml") || file.endsWith(".yml") ? "yaml" : "json";
      options.addStore(new ConfigStoreOptions()
        .setType("file")
        .setFormat(format)
        .setConfig(new JsonObject().put("path", file)));
    }
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
      .map(config -> withEnvironment(config, env))
      .eventually(() -> {
        retriever.close();
        return Future.succeededFuture();
      });
  }

  /** The classpath defaults: every key Taskflow knows, with the value it has when nothing overrides it. */
  public static JsonObject defaults() {
    try (var in = TaskflowConfig.class.getClassLoader().getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS + " is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Cannot read " + DEFAULTS, e);
    }
  }

  /** The environment variable that overrides a key. */
  public static String envName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  static JsonObject withEnvironment(JsonObject config, Map<String, String> env) {
    JsonObject result = config.copy();
    JsonObject defaults = defaults();
    for (String key : defaults.fieldNames()) {
      String value = env.get(envName(key));
      if (value != null) {
        result.put(key, convert(key, value, defaults.getValue(key)));
      }
    }
    return result;
  }

  private static Object convert(String key, String value, Object template) {
    try {
      if (template instanceof Integer) {
        return Integer.parseInt(value.trim());
      }
      if (template instanceof Long) {
        return Long.parseLong(value.trim());
      }
      if (template instanceof Boolean) {
        return bool(key, value.trim());
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(envName(key) + " must be a number, got '" + value + "'", e);
    }
  }

  /** Strictly: "1" or "yes" reading as false would turn a switch off without a word. */
  private static Boolean bool(String key, String value) {
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.valueOf(value);
    }
    throw new IllegalArgumentException(envName(key) + " must be true or false, got '" + value + "'");
  }
}
