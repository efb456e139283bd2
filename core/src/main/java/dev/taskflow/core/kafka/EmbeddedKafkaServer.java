package dev.taskflow.core.kafka;

import dev.taskflow.core.runtime.PrivateFiles;
import io.vertx.core.json.JsonObject;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Features;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A single-node Kafka broker (KRaft: broker and controller in one node) run inside this JVM, for the laptop run and
 * the tests. Its log directory is kept between runs: the first start formats it, later starts reuse it, so published
 * events survive a restart.
 *
 * <p>Listens on 127.0.0.1 only, unauthenticated (PLAINTEXT, no ACLs): any local process may produce and consume, which
 * is why it is for one user's machine and never given another listener; a shared host uses an external broker. Its
 * log directory is 0700, so other users cannot read the segments (Kafka writes them 0644).
 *
 * <p>Blocking: {@link #start} takes a couple of seconds; call it from {@code main} before Vert.x deploys anything, or
 * on a worker thread.
 */
public final class EmbeddedKafkaServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaServer.class);
  private static final String HOST = "127.0.0.1";
  private static final int NODE_ID = 1;

  private final KafkaRaftServer server;
  private final Path dataDir;
  private final int port;
  private final boolean deleteOnClose;
  private boolean closed;

  private EmbeddedKafkaServer(KafkaRaftServer server, Path dataDir, int port, boolean deleteOnClose) {
    this.server = server;
    this.dataDir = dataDir;
    this.port = port;
    this.deleteOnClose = deleteOnClose;
  }

  /**
   * Starts a broker whose data lives in {@code dataDir} (formatting it on first use), listening on {@code port}, or
   * on a free port when {@code port} is 0.
   */
  public static EmbeddedKafkaServer start(Path dataDir, int port) {
    return start(dataDir, port, false);
  }

  /**
   * The laptop run's broker: data under {@code <data.dir>/kafka}, listening on {@code kafka.embedded.port} (0 = a free
   * port). Use its {@link #bootstrapServers()} with {@link KafkaSettings#withBootstrap(String)}.
   */
  public static EmbeddedKafkaServer start(JsonObject config) {
    return start(Path.of(config.getString("data.dir", "./taskflow-data"), "kafka"),
      KafkaSettings.from(config).embeddedPort());
  }

  /** A throw-away broker for tests: fresh data directory on a free port, deleted on close. */
  public static EmbeddedKafkaServer temporary() {
    try {
      return start(Files.createTempDirectory("taskflow-kafka-"), 0, true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory for Kafka", e);
    }
  }

  private static EmbeddedKafkaServer start(Path dataDir, int port, boolean deleteOnClose) {
    long started = System.nanoTime();
    Path dir = dataDir.toAbsolutePath();
    int brokerPort = port > 0 ? port : freePort();
    int controllerPort = freePort();
    Properties props = brokerProperties(dir, brokerPort, controllerPort);
    KafkaConfig config = KafkaConfig.fromProps(props, false);
    PrivateFiles.directory(dir);
    boolean formatted = Files.exists(dir.resolve("meta.properties"));
    if (!formatted) {
      format(dir);
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    EmbeddedKafkaServer embedded = new EmbeddedKafkaServer(server, dir, brokerPort, deleteOnClose);
    LOG.info("Embedded Kafka up at {} in {} ms, data in {} ({})", embedded.bootstrapServers(),
      (System.nanoTime() - started) / 1_000_000, dir, formatted ? "reused" : "formatted now");
    return embedded;
  }

  private static Properties brokerProperties(Path dir, int brokerPort, int controllerPort) {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(NODE_ID));
    props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    props.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", dir.toString());
    // one node: every internal topic has one replica
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "5");
    props.put("default.replication.factor", "1");
    props.put("min.insync.replicas", "1");
    props.put("num.partitions", "3");
    // topics are created on purpose (KafkaTransport.ensureTopics), never by a typo
    props.put("auto.create.topics.enable", "false");
    props.put("group.initial.rebalance.delay.ms", "0");
    // after a kill -9 the controller keeps the dead broker's registration until its session times out (9 s by
    // default) and only then lets the restarted broker in; broker and controller share this JVM, so a short session
    // with frequent heartbeats costs nothing
    props.put("broker.session.timeout.ms", "3000");
    props.put("broker.heartbeat.interval.ms", "500");
    // a laptop's footprint: small segments, small cleaner buffer, few threads
    props.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
    props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    props.put("num.network.threads", "2");
    props.put("num.io.threads", "4");
    props.put("num.recovery.threads.per.data.dir", "1");
    return props;
  }

  private static void format(Path dir) {
    try {
      new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(NODE_ID)
        .setClusterId(Uuid.randomUuid().toString())
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .setSupportedFeatures(Features.PRODUCTION_FEATURES)
        .setControllerListenerName("CONTROLLER")
        .setMetadataLogDirectory(dir.toString())
        .addDirectory(dir.toString())
        .setIgnoreFormatted(true)
        .run();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot format the Kafka storage in " + dir, e);
    }
  }

  /** {@code host:port} for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Stops the broker and waits for it; a temporary broker's data is deleted. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long started = System.nanoTime();
    try {
      server.shutdown();
      server.awaitShutdown();
      LOG.info("Embedded Kafka at {} stopped in {} ms", bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
    } catch (RuntimeException e) {
      LOG.warn("Embedded Kafka at {} did not stop cleanly", bootstrapServers(), e);
    }
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Cannot delete {}", dir, e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free port for Kafka", e);
    }
  }
}
