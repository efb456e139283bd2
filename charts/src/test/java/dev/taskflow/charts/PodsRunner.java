package dev.taskflow.charts;

import dev.taskflow.core.db.EmbeddedPostgresServer;
import dev.taskflow.core.kafka.EmbeddedKafkaServer;
import dev.taskflow.core.testing.SockJsTab;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs the rendered chart's pods as processes of the fat jar, inside {@link ChartRunIT}'s network namespace, where each
 * pod has its own loopback address (its pod IP) and the headless Service's name resolves to all of them. Starts an
 * embedded PostgreSQL and Kafka in this process and puts their loopback addresses where the chart has the in-cluster
 * names, starts every pod with its Deployment's arguments and environment, waits for every readiness probe, then uses
 * Taskflow through the api pod as a user would: it hands out the VAPID public key of the Secret's pair, a task is
 * audited (history), a recurring one spawns its next instance, and a reminder fires and reaches a SockJS tab on the
 * api pod. Prints {@code STEP ...} lines and {@code ALL OK}, and
 * exits 0, or prints the failure and exits 1. Stops every pod with SIGTERM at the end.
 *
 * <p>{@code PodsRunner <plan.json> <taskflow.jar> <work dir>}: the plan is a list of pods {@code {name, ip, args,
 * env, readyPort}} with {@code ${DB_URL}} and {@code ${KAFKA}} where the database and the brokers go.
 */
public final class PodsRunner {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PodsRunner() {
  }

  public static void main(String[] args) throws Exception {
    JsonArray plan = new JsonArray(Files.readString(Path.of(args[0])));
    Path jar = Path.of(args[1]);
    Path work = Path.of(args[2]);
    List<Process> pods = new ArrayList<>();
    int status = 1;
    try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.temporary();
         EmbeddedKafkaServer kafka = EmbeddedKafkaServer.temporary()) {
      Map<String, String> services = Map.of("${DB_URL}", postgres.url("postgres"), "${KAFKA}", kafka.bootstrapServers());
      for (Object entry : plan) {
        pods.add(start((JsonObject) entry, jar, work, services));
      }
      for (int i = 0; i < plan.size(); i++) {
        JsonObject pod = plan.getJsonObject(i);
        long took = awaitReady(pod.getString("ip"), pod.getInteger("readyPort"), pods.get(i), pod.getString("name"));
        step("%s ready (readiness probe 200) after %d ms", pod.getString("name"), took);
      }
      useIt(plan.stream().map(JsonObject.class::cast).filter(pod -> pod.getString("name").endsWith("-api"))
        .findFirst().orElseThrow());
      status = 0;
      step("ALL OK");
    } catch (Throwable failure) {
      System.out.println("FAILED: " + failure);
      for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
        System.out.println("  " + cause + (cause.getStackTrace().length > 0 ? " at " + cause.getStackTrace()[0] : ""));
      }
      for (Object entry : plan) {
        String name = ((JsonObject) entry).getString("name");
        Path log = work.resolve(name + ".log");
        if (Files.exists(log)) {
          List<String> lines = Files.readAllLines(log);
          System.out.println("  --- the end of " + name + "'s log:");
          lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(line -> System.out.println("  | " + line));
        }
      }
    } finally {
      for (Process pod : pods) {
        pod.destroy();
      }
      for (int i = 0; i < pods.size(); i++) {
        boolean stopped = pods.get(i).waitFor(60, TimeUnit.SECONDS);
        String name = plan.getJsonObject(i).getString("name");
        String log = Files.readString(work.resolve(name + ".log"));
        step("%s %s after SIGTERM", name, stopped && log.contains("Stopped") ? "stopped cleanly" : "DID NOT STOP CLEANLY");
        if (!stopped || !log.contains("Stopped")) {
          status = 1;
          pods.get(i).destroyForcibly();
        }
      }
    }
    System.out.flush();
    System.exit(status);
  }

  private static Process start(JsonObject pod, Path jar, Path work, Map<String, String> services) throws IOException {
    List<String> command = new ArrayList<>(List.of(
      Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
    pod.getJsonArray("args").forEach(arg -> command.add((String) arg));
    ProcessBuilder builder = new ProcessBuilder(command)
      .directory(work.toFile())
      .redirectErrorStream(true)
      .redirectOutput(work.resolve(pod.getString("name") + ".log").toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("TASKFLOW_") || name.equals("JAVA_TOOL_OPTIONS"));
    pod.getJsonObject("env").forEach(variable -> {
      String value = (String) variable.getValue();
      for (Map.Entry<String, String> service : services.entrySet()) {
        value = value.replace(service.getKey(), service.getValue());
      }
      builder.environment().put(variable.getKey(), value);
    });
    return builder.start();
  }

  /** The user's journey through the api pod. */
  private static void useIt(JsonObject api) throws Exception {
    String host = api.getString("ip");
    int port = api.getInteger("httpPort");
    JsonObject registered = new JsonObject(expect(post(host, port, "/api/v1/auth/register", null,
      new JsonObject().put("email", "pods@example.com").put("password", "the chart runs, pw")), 201).body());
    String token = registered.getString("token");
    String userId = registered.getJsonObject("user").getString("id");
    step("registered through the api pod");
    String vapid = new JsonObject(expect(get(host, port, "/api/v1/push/vapid-public-key", token), 200).body())
      .getString("publicKey");
    if (!vapid.equals(api.getString("vapidPublicKey"))) {
      throw new IllegalStateException("the api pod hands out VAPID key " + vapid + ", not the Secret's "
        + api.getString("vapidPublicKey"));
    }
    step("the api pod hands browsers the public key of the VAPID pair in the Secret (the notifier pod signs with it)");

    try (SockJsTab tab = SockJsTab.open(host, port, token, userId)) {
      String id = new JsonObject(expect(post(host, port, "/api/v1/tasks", token,
        new JsonObject().put("title", "Across the pods")), 201).body()).getString("id");
      eventually(() -> new JsonObject(get(host, port, "/api/v1/tasks/" + id + "/events", token).body())
        .getJsonArray("items", new JsonArray()).size(), n -> n >= 1, "the created event in the audit pod's history");
      step("a task created through the api pod is in the history the audit pod keeps");

      JsonObject recurring = new JsonObject(expect(post(host, port, "/api/v1/tasks", token, new JsonObject()
        .put("title", "Every day").put("dueAt", "2030-01-01T09:00:00Z").put("timezone", "UTC")
        .put("recurrence", new JsonObject().put("rrule", "FREQ=DAILY"))), 201).body());
      expect(post(host, port, "/api/v1/tasks/" + recurring.getString("id") + "/complete", token, null), 200);
      String seriesId = recurring.getString("seriesId");
      eventually(() -> new JsonObject(get(host, port, "/api/v1/tasks?status=open&seriesId=" + seriesId, token).body())
        .getJsonArray("items").size(), n -> n == 1, "the next instance spawned by the recurrence pod");
      step("completing a recurring task spawned its next instance (recurrence pod)");

      expect(post(host, port, "/api/v1/tasks", token, new JsonObject().put("title", "Remind me")
        .put("dueAt", Instant.now().plusSeconds(2).toString()).put("timezone", "UTC")
        .put("reminders", new JsonArray().add(new JsonObject().put("offset", "PT0S")))), 201);
      tab.await("notifications.user." + userId, null, 1);
      step("a reminder fired (notifier pod) and reached the SockJS tab on the api pod");
    }
  }

  private static long awaitReady(String host, int port, Process process, String name) throws Exception {
    long start = System.nanoTime();
    while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(120)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue());
      }
      try {
        if (get(host, port, "/health/ready", null).statusCode() == 200) {
          return (System.nanoTime() - start) / 1_000_000;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(name + " not ready within 120 s");
  }

  private static HttpResponse<String> expect(HttpResponse<String> response, int status) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(response.request().uri() + " answered " + response.statusCode() + ", not "
        + status + ": " + response.body());
    }
    return response;
  }

  private static HttpResponse<String> get(String host, int port, String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
      .timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String host, int port, String path, String token, JsonObject body)
    throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
      .timeout(Duration.ofSeconds(10))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body.encode()));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @FunctionalInterface
  private interface Check<T> {
    T get() throws Exception;
  }

  private static <T> void eventually(Check<T> check, Predicate<T> done, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    T last = null;
    while (System.nanoTime() < deadline) {
      last = check.get();
      if (done.test(last)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(what + " within 60 s; last seen: " + last);
  }

  private static void step(String format, Object... args) {
    System.out.println("STEP " + String.format(format, args));
    System.out.flush();
  }
}
