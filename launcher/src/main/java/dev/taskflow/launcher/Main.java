package dev.taskflow.launcher;

import dev.taskflow.core.config.TaskflowConfig;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.db.EmbeddedPostgresServer;
import dev.taskflow.core.runtime.TaskflowVertx;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar taskflow.jar [--conf FILE] [--verticles api,...]}: loads the configuration, starts the embedded
 * PostgreSQL when no {@code db.url} is configured, migrates the schema, and deploys the chosen verticles (all that are
 * present by default). SIGTERM undeploys them and stops the embedded database.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.println(Options.USAGE);
      return;
    }
    try {
      new Main().run(options);
    } catch (Exception e) {
      LOG.error("Taskflow could not start: {}", e.getMessage(), e);
      System.exit(1);
    }
  }

  private void run(Options options) throws Exception {
    long started = System.nanoTime();
    Vertx vertx = TaskflowVertx.create();
    JsonObject config = TaskflowConfig.load(vertx, options.configFile()).toCompletionStage().toCompletableFuture()
      .get(30, TimeUnit.SECONDS);

    EmbeddedPostgresServer embedded = null;
    if (DatabaseSettings.from(config).embedded()) {
      Path dataDir = Path.of(config.getString("data.dir")).resolve("postgres");
      embedded = EmbeddedPostgresServer.start(dataDir, config.getInteger("db.embedded.port", 0));
      config.put("db.url", embedded.url("postgres"));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(new Shutdown(vertx, embedded), "taskflow-shutdown"));
    Database.migrateNow(DatabaseSettings.from(config));

    List<String> names = options.verticles().isEmpty() ? Verticles.present() : options.verticles();
    Future<Void> deployed = Future.succeededFuture();
    for (String name : names) {
      var type = Verticles.load(name).orElseThrow(() -> new IllegalArgumentException(
        "Verticle '" + name + "' is not in this build; known: " + Verticles.names()));
      int instances = instances(name, config);
      deployed = deployed.compose(v -> vertx.deployVerticle(type,
          new DeploymentOptions().setConfig(config).setInstances(instances))
        .onSuccess(id -> LOG.info("Deployed {} verticle ({} instance{})", name, instances, instances == 1 ? "" : "s"))
        .mapEmpty());
    }
    deployed.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    LOG.info("Taskflow started in {} ms with verticles {}", (System.nanoTime() - started) / 1_000_000, names);
  }

  /**
   * The HTTP API scales with event loops (instances share the port); everything else runs once per process.
   * {@code api.instances} 0 means one per core.
   */
  static int instances(String verticle, JsonObject config) {
    if (!"api".equals(verticle)) {
      return 1;
    }
    int configured = config.getInteger("api.instances", 0);
    return configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
  }

  /** Undeploys everything, then stops the embedded database, so nothing is cut off mid-transaction. */
  private record Shutdown(Vertx vertx, EmbeddedPostgresServer embedded) implements Runnable {
    @Override
    public void run() {
      LOG.info("Shutting down");
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Vert.x did not close cleanly: {}", e.toString());
      }
      if (embedded != null) {
        embedded.close();
      }
      LOG.info("Stopped");
    }
  }

  record Options(String configFile, List<String> verticles, boolean help) {

    static final String USAGE = """
      Usage: java -jar taskflow.jar [--conf FILE] [--verticles NAME,...]
        --conf FILE         a JSON or YAML configuration file (also TASKFLOW_CONFIG)
        --verticles LIST    the verticles to run in this process, comma-separated: %s (default: all present)
        --help              this text
      """.formatted(String.join(", ", Verticles.names()));

    static Options parse(String[] args) {
      String conf = null;
      List<String> verticles = new ArrayList<>();
      boolean help = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--conf", "-conf" -> conf = value(args, ++i, arg);
          case "--verticles" -> Arrays.stream(value(args, ++i, arg).split(","))
            .map(String::strip).filter(s -> !s.isEmpty()).forEach(verticles::add);
          case "--help", "-h" -> help = true;
          case "run" -> { }
          default -> throw new IllegalArgumentException("Unknown argument: " + arg);
        }
      }
      for (String name : verticles) {
        if (!Verticles.names().contains(name)) {
          throw new IllegalArgumentException("Unknown verticle '" + name + "'; known: " + Verticles.names());
        }
      }
      return new Options(conf, verticles, help);
    }

    private static String value(String[] args, int i, String flag) {
      if (i >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      return args[i];
    }
  }
}
