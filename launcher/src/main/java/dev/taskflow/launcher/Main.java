package dev.taskflow.launcher;

import dev.taskflow.core.config.TaskflowConfig;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.db.EmbeddedPostgresServer;
import dev.taskflow.audit.replay.AuditReplay;
import dev.taskflow.core.event.Topics;
import dev.taskflow.core.kafka.DeadLetterRedrive;
import dev.taskflow.core.kafka.EmbeddedKafkaServer;
import dev.taskflow.core.kafka.KafkaSettings;
import dev.taskflow.core.management.ManagementVerticle;
import dev.taskflow.core.runtime.ClusterSettings;
import dev.taskflow.core.runtime.TaskflowVertx;
import dev.taskflow.core.transport.Transports;
import io.vertx.sqlclient.Pool;
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
 * {@code java -jar taskflow.jar [--conf FILE] [--verticles audit,recurrence,relay,api] [--cluster]}: loads the
 * configuration, starts the embedded PostgreSQL when no {@code db.url} is configured and the embedded Kafka broker when
 * the transport is Kafka and no {@code kafka.bootstrap} is configured, joins the clustered event bus when asked to
 * ({@link ClusterSettings}), migrates the schema, and deploys the chosen verticles (all that are present by default),
 * then the management server ({@link ManagementVerticle}: metrics and health on {@code management.port}; last, so
 * that its readiness answers only once the verticles are up).
 * SIGTERM undeploys them and leaves the cluster, then stops the embedded broker and database.
 * A start that cannot succeed for a reason the user can fix ({@link StartRefused}) logs one sentence and exits with
 * its own code: 3 when another Taskflow runs on the data directory, 4 when a port is in use; 2 is a bad argument, 1
 * any other failure.
 * {@code replay-audit} rebuilds the audit log from the topics instead; {@code redrive-dlq} puts dead letters back on
 * their topics; {@code reset-password} sets a user's password and ends their sessions ({@link PasswordReset}).
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
    } catch (StartRefused e) {
      LOG.error("Taskflow did not start: {}", e.getMessage());
      System.exit(e.exitCode());
    } catch (Exception e) {
      LOG.error("Taskflow could not start: {}", e.getMessage(), e);
      System.exit(1);
    }
  }

  private void run(Options options) throws Exception {
    long started = System.nanoTime();
    JsonObject config = loadConfig(options);
    ClusterSettings cluster = ClusterSettings.from(config);
    if (cluster.enabled() && Transports.EVENTBUS.equals(Transports.kind(config))) {
      throw new IllegalArgumentException("transport 'eventbus' is for one process (every process would consume every "
        + "event); with cluster.enabled use kafka or dapr");
    }

    if (options.command().equals("redrive-dlq") && !KafkaSettings.from(config).embedded()) {
      redriveDeadLetters(config, options); // Kafka only: no database, no data-directory lock, runs beside a server
      return;
    }
    List<String> names = !options.command().equals("run") ? List.of()
      : Verticles.ordered(options.verticles().isEmpty() ? Verticles.present() : options.verticles());
    Services services = Services.start(config, names, !options.command().equals("reset-password"));
    Shutdown shutdown = new Shutdown(services);
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown, "taskflow-shutdown"));
    Vertx vertx;
    try {
      vertx = TaskflowVertx.start(cluster).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not join the " + cluster + ": " + e, e);
    }
    shutdown.vertx = vertx;
    if (cluster.enabled()) {
      LOG.info("Joined the {}", cluster);
    }
    Database.migrateNow(DatabaseSettings.from(config));

    if (options.command().equals("replay-audit")) {
      replayAudit(vertx, config);
      return;
    }
    if (options.command().equals("redrive-dlq")) {
      redriveDeadLetters(config, options);
      return;
    }
    if (options.command().equals("reset-password")) {
      resetPassword(vertx, config, options);
      return;
    }

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
    // once per process, whatever it runs, and last: its /health/ready answering says the verticles are deployed (an
    // API's port is listening), which is what a readiness probe must mean
    deployed = deployed.compose(v -> vertx.deployVerticle(new ManagementVerticle(),
      new DeploymentOptions().setConfig(config)).mapEmpty());
    deployed.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    LOG.info("Taskflow started in {} ms with verticles {}", (System.nanoTime() - started) / 1_000_000, names);
  }

  /**
   * The configuration, read with a Vert.x of its own (the config stores need one) that is closed again: the one the
   * verticles run on is made from the configuration, clustered or not.
   */
  private static JsonObject loadConfig(Options options) throws Exception {
    Vertx bootstrap = Vertx.vertx();
    try {
      JsonObject config = TaskflowConfig.load(bootstrap, options.configFile()).toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
      if (options.cluster()) {
        config.put("cluster.enabled", true);
      }
      if (!options.command().equals("run")) {
        config.put("cluster.enabled", false); // reads the topics and exits; nobody to talk to
      }
      String clientProperties = config.getString("kafka.client.properties", "");
      if (!clientProperties.isBlank()) {
        try {
          config.put(KafkaSettings.CLIENT_KEY, KafkaSettings.readClientProperties(Path.of(clientProperties)));
        } catch (java.io.IOException e) {
          throw new StartRefused(1, "kafka.client.properties (TASKFLOW_KAFKA_CLIENT_PROPERTIES) names "
            + clientProperties + ", which cannot be read: " + e);
        }
      }
      return config;
    } finally {
      bootstrap.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
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

  /** {@code replay-audit}: rebuilds event_log from the topics, prints what it did, and exits (1 if it differed). */
  private static void replayAudit(Vertx vertx, JsonObject config) throws Exception {
    if (!Transports.KAFKA.equals(Transports.kind(config))) {
      throw new IllegalArgumentException("replay-audit reads the Kafka topics; transport is " + Transports.kind(config));
    }
    Pool pool = Database.pool(vertx, DatabaseSettings.from(config));
    try {
      AuditReplay.Result result = new AuditReplay(pool, KafkaSettings.from(config)).run();
      System.out.printf("replay-audit: read %d events, appended %d, already logged %d (%d different), %d refused%n",
        result.read(), result.appended(), result.alreadyLogged(), result.different(), result.rejected());
      System.exit(result.identical() ? 0 : 1);
    } finally {
      pool.close();
    }
  }

  /**
   * {@code redrive-dlq}: puts dead letters back on their topics (all consumers are idempotent, so only the group that
   * had given up acts on them), prints what it did, and exits.
   */
  private static void redriveDeadLetters(JsonObject config, Options options) throws Exception {
    KafkaSettings kafka = KafkaSettings.from(config);
    if (kafka.embedded()) {
      throw new IllegalArgumentException("redrive-dlq reads the dead-letter topics on Kafka; kafka.bootstrap is not set "
        + "and transport is " + Transports.kind(config));
    }
    List<String> topics = options.topics().isEmpty() ? List.of(Topics.TASK_EVENTS, Topics.REMINDERS) : options.topics();
    DeadLetterRedrive.Result result = new DeadLetterRedrive(kafka).run(topics, options.group(), options.dryRun());
    System.out.print("redrive-dlq" + (options.dryRun() ? " (dry run)" : "") + ":\n" + result.describe());
    System.exit(0);
  }

  /** {@code reset-password}: prints what it did and exits (1 when there is no such local account). */
  private static void resetPassword(Vertx vertx, JsonObject config, Options options) throws Exception {
    String password = options.generate() ? PasswordReset.generate() : PasswordReset.read(System.in);
    Pool pool = Database.pool(vertx, DatabaseSettings.from(config));
    try {
      PasswordReset.Result result = PasswordReset.reset(vertx, pool, config, options.email(), password)
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      System.out.printf("reset-password: the password of %s (user %s) is reset; %d session%s ended%n",
        options.email(), result.userId(), result.sessionsEnded(), result.sessionsEnded() == 1 ? "" : "s");
      if (options.generate()) {
        System.out.println("New password: " + password);
      }
      System.exit(0);
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("reset-password: " + e.getCause().getMessage());
      System.exit(1);
    } finally {
      pool.close();
    }
  }

  /**
   * The embedded PostgreSQL and Kafka of the laptop run, each started only when no external one is configured, and
   * the {@link DataDirectoryLock} that makes this process their only owner.
   */
  record Services(DataDirectoryLock lock, EmbeddedPostgresServer postgres, EmbeddedKafkaServer kafka) {

    /**
     * Starts what is needed and points {@code config} at it: first the data directory's lock (refused when another
     * Taskflow runs on it), then a PostgreSQL left running by one that was killed is stopped, then the ports of this
     * process ({@link Ports}) are checked, and only then the database and the broker start.
     */
    static Services start(JsonObject config, List<String> verticles, boolean broker) {
      boolean embeddedPostgres = DatabaseSettings.from(config).embedded();
      boolean embeddedKafka = broker && Transports.KAFKA.equals(Transports.kind(config))
        && KafkaSettings.from(config).embedded();
      Path dataDir = Path.of(config.getString("data.dir"));
      Path postgresDir = dataDir.resolve("postgres");
      DataDirectoryLock lock = embeddedPostgres || embeddedKafka ? DataDirectoryLock.acquire(dataDir) : null;
      EmbeddedPostgresServer postgres = null;
      EmbeddedKafkaServer kafka = null;
      try {
        if (embeddedPostgres) {
          EmbeddedPostgresServer.stopLeftover(postgresDir);
        }
        Ports.requireFree(config, verticles);
        if (embeddedPostgres) {
          postgres = EmbeddedPostgresServer.start(postgresDir, config.getInteger("db.embedded.port", 0));
          config.put("db.url", postgres.url("postgres"));
        }
        if (embeddedKafka) {
          kafka = EmbeddedKafkaServer.start(config);
          config.put("kafka.bootstrap", kafka.bootstrapServers());
        }
        return new Services(lock, postgres, kafka);
      } catch (RuntimeException e) {
        new Services(lock, postgres, kafka).stop();
        throw e;
      }
    }

    void stop() {
      if (kafka != null) {
        kafka.close();
      }
      if (postgres != null) {
        postgres.close();
      }
      if (lock != null) {
        lock.close();
      }
    }
  }

  /**
   * Undeploys everything and leaves the cluster, then stops the embedded broker and database, so nothing is cut off
   * mid-transaction. Registered before the cluster is joined (which can take a while), so a SIGTERM meanwhile still
   * stops the embedded services.
   */
  private static final class Shutdown implements Runnable {

    private final Services services;
    private volatile Vertx vertx;

    Shutdown(Services services) {
      this.services = services;
    }

    @Override
    public void run() {
      LOG.info("Shutting down");
      Vertx running = vertx;
      if (running != null) {
        try {
          running.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.warn("Vert.x did not close cleanly: {}", e.toString());
        }
      }
      services.stop();
      LOG.info("Stopped");
    }
  }

  record Options(String command, String configFile, List<String> verticles, boolean cluster, boolean help,
                 List<String> topics, String group, boolean dryRun, String email, boolean generate) {

    static final String USAGE = """
      Usage: java -jar taskflow.jar [run] [--conf FILE] [--verticles NAME,...] [--cluster]
             java -jar taskflow.jar replay-audit [--conf FILE]
             java -jar taskflow.jar redrive-dlq [--conf FILE] [--topic NAME] [--group NAME] [--dry-run]
             java -jar taskflow.jar reset-password --email ADDRESS [--generate] [--conf FILE]
        run                 (the default) start the verticles and serve
        replay-audit        rebuild event_log from the Kafka topics' earliest offsets, then exit
        redrive-dlq         put dead letters back on their topic (task-events, reminders, or --topic), only those
                            consumer group --group gave up on if given; --dry-run only counts; then exit
        reset-password      set the password of the account with --email, read from standard input (or made up
                            and printed with --generate), and end all its sessions; then exit. On the embedded
                            database, stop the server first (the data directory is locked)
        --conf FILE         a JSON or YAML configuration file (also TASKFLOW_CONFIG)
        --verticles LIST    the verticles to run in this process, comma-separated: %s (default: all present)
        --cluster           join the other processes on the clustered event bus (also TASKFLOW_CLUSTER_ENABLED)
        --help              this text
      """.formatted(String.join(", ", Verticles.names()));

    static Options parse(String[] args) {
      String conf = null;
      String command = "run";
      List<String> verticles = new ArrayList<>();
      boolean cluster = false;
      boolean help = false;
      List<String> topics = new ArrayList<>();
      String group = null;
      boolean dryRun = false;
      String email = null;
      boolean generate = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--conf", "-conf" -> conf = value(args, ++i, arg);
          case "--verticles" -> Arrays.stream(value(args, ++i, arg).split(","))
            .map(String::strip).filter(s -> !s.isEmpty()).forEach(verticles::add);
          case "--cluster", "-cluster" -> cluster = true;
          case "--help", "-h" -> help = true;
          case "--topic" -> topics.add(topic(value(args, ++i, arg)));
          case "--group" -> group = value(args, ++i, arg);
          case "--dry-run" -> dryRun = true;
          case "--email" -> email = value(args, ++i, arg);
          case "--generate" -> generate = true;
          case "run", "replay-audit", "redrive-dlq", "reset-password" -> command = arg;
          default -> throw new IllegalArgumentException("Unknown argument: " + arg);
        }
      }
      for (String name : verticles) {
        if (!Verticles.names().contains(name)) {
          throw new IllegalArgumentException("Unknown verticle '" + name + "'; known: " + Verticles.names());
        }
      }
      if ((!topics.isEmpty() || group != null || dryRun) && !command.equals("redrive-dlq")) {
        throw new IllegalArgumentException("--topic, --group and --dry-run go with redrive-dlq");
      }
      if (command.equals("reset-password") && email == null && !help) {
        throw new IllegalArgumentException("reset-password needs --email ADDRESS");
      }
      if (!command.equals("reset-password") && (email != null || generate)) {
        throw new IllegalArgumentException("--email and --generate go with reset-password");
      }
      return new Options(command, conf, verticles, cluster, help, topics, group, dryRun, email, generate);
    }

    private static String topic(String name) {
      if (!List.of(Topics.TASK_EVENTS, Topics.REMINDERS).contains(name)) {
        throw new IllegalArgumentException("--topic is " + Topics.TASK_EVENTS + " or " + Topics.REMINDERS + ", not '"
          + name + "'");
      }
      return name;
    }

    private static String value(String[] args, int i, String flag) {
      if (i >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      return args[i];
    }
  }
}
