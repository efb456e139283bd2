package dev.taskflow.launcher;

import dev.taskflow.core.testing.TestDatabase;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar taskflow.jar}, started as a user would (no {@code TASKFLOW_*} variables but the ones given, output
 * to {@code taskflow.log} in its working directory), and a small HTTP client for it. The processes a test starts are
 * killed after it by {@link #killLeftovers()}.
 */
final class Jar {

  static final Path JAR = Path.of(System.getProperty("taskflow.jar", "target/taskflow.jar"));
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final List<Process> started = new ArrayList<>();

  Process start(Path workDir, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command)
      .directory(workDir.toFile())
      .redirectErrorStream(true)
      .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("taskflow.log").toFile()));
    builder.environment().keySet().removeIf(k -> k.startsWith("TASKFLOW_"));
    // several processes run at once here: each its own management port, unless the test chose one
    builder.environment().put("TASKFLOW_MANAGEMENT_PORT", Integer.toString(TestDatabase.freePort()));
    builder.environment().putAll(env);
    Process process = builder.start();
    started.add(process);
    return process;
  }

  void killLeftovers() throws InterruptedException {
    for (Process process : started) {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    }
    started.clear();
  }

  /** Polls /health/ready; answers how long it took to be 200. */
  static Duration awaitReady(int port, Process process) throws Exception {
    long start = System.nanoTime();
    while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(90)) {
      assertThat(process.isAlive()).as("taskflow exited early").isTrue();
      try {
        if (get(port, "/health/ready", null).statusCode() == 200) {
          return Duration.ofNanos(System.nanoTime() - start);
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("not ready within 90 s");
  }

  /** Waits for a line in a process's log, such as one a verticle writes once it has started. */
  static void awaitLog(Path workDir, String text, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!Files.readString(workDir.resolve("taskflow.log")).contains(text)) {
      assertThat(process.isAlive()).as("taskflow exited early").isTrue();
      assertThat(System.nanoTime()).as("'" + text + "' in the log within 90 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  static HttpResponse<String> get(int port, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(int port, String path, String token, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .timeout(Duration.ofSeconds(10))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
    assertThat(m.find()).as(name + " in " + json).isTrue();
    return m.group(1);
  }

  /** SIGTERM, as Kubernetes stops a pod; the process must log its clean shutdown. */
  static void stop(Process process, Path workDir) throws Exception {
    process.destroy();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
    String log = Files.readString(workDir.resolve("taskflow.log"));
    assertThat(log).contains("Shutting down").contains("Stopped");
  }
}
