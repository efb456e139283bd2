package dev.taskflow.core.testing;

import dev.taskflow.core.db.EmbeddedPostgresServer;
import dev.taskflow.core.kafka.EmbeddedKafkaServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL or Kafka server in a process of its own, as an external one is to Taskflow: a test can stop it (as an
 * operator or a crash would) and start it again on the same data directory and port. The child is this JVM's
 * classpath running {@link #main}: {@code postgres|kafka <data dir> <port>}; it prints {@code READY <url>} once the
 * server is up and stops the server on SIGTERM.
 */
public final class ServiceProcess implements AutoCloseable {

  private static final String READY = "READY ";

  private final Process process;
  private final String url;

  private ServiceProcess(Process process, String url) {
    this.process = process;
    this.url = url;
  }

  /** Starts {@code kind} ({@code postgres} or {@code kafka}) on {@code dataDir} and {@code port}, and waits for it. */
  public static ServiceProcess start(String kind, Path dataDir, int port, Path log) throws IOException,
    InterruptedException {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
      "-cp", System.getProperty("java.class.path"), ServiceProcess.class.getName(), kind, dataDir.toString(),
      Integer.toString(port));
    Process process = new ProcessBuilder(command)
      .redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
      .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(kind + " exited with " + process.exitValue() + "; see " + log);
      }
      for (String line : Files.readAllLines(log)) {
        if (line.startsWith(READY + kind + " ")) {
          String url = line.substring(READY.length() + kind.length() + 1).strip();
          return new ServiceProcess(process, url);
        }
      }
      Thread.sleep(50);
    }
    process.destroyForcibly();
    throw new IllegalStateException(kind + " not ready within 90 s; see " + log);
  }

  /** {@code db.url} of the {@code postgres} database, or {@code kafka.bootstrap}. */
  public String url() {
    return url;
  }

  /** SIGTERM: the server stops cleanly (PostgreSQL's fast shutdown, Kafka's controlled one). */
  public void stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop(Duration.ofSeconds(30));
    }
  }

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    Path dir = Path.of(args[1]);
    int port = Integer.parseInt(args[2]);
    AutoCloseable server;
    String url;
    if (kind.equals("postgres")) {
      EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dir, port);
      server = postgres;
      url = postgres.url("postgres");
    } else {
      EmbeddedKafkaServer kafka = EmbeddedKafkaServer.start(dir, port);
      server = kafka;
      url = kafka.bootstrapServers();
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.out.println("stopping " + kind + " failed: " + e);
      }
      stopped.countDown();
    }));
    System.out.println(READY + kind + " " + url);
    System.out.flush();
    stopped.await();
  }
}
