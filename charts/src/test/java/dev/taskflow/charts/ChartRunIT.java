package dev.taskflow.charts;

import dev.taskflow.core.push.VapidKeys;
import dev.taskflow.core.testing.NetworkNamespace;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered chart really runs: every Deployment's arguments and environment, as Helm renders them (ConfigMap,
 * Secrets, the downward API), become a process of the fat jar with its own "pod IP" (a loopback alias) in a network
 * namespace of its own ({@code unshare -n}, root), where the headless Service's DNS name resolves to every pod (a
 * hosts file, as cluster DNS with {@code publishNotReadyAddresses}). Only what a cluster would provide is replaced: the
 * in-cluster PostgreSQL and Kafka names become an embedded PostgreSQL's and Kafka's loopback addresses, the mounted
 * Secrets become files, {@code 0.0.0.0} becomes the pod's address (a pod's interfaces are its own). Then
 * {@link PodsRunner} uses it: audited, spawned, reminded, live.
 */
@DisplayName("The rendered chart, run as processes in a network namespace")
class ChartRunIT {

  private static final Path JAR = Path.of(System.getProperty("taskflow.jar", "../launcher/target/taskflow.jar"));

  @BeforeAll
  static void canUnshare() throws Exception {
    NetworkNamespace.assumeAvailable();
  }

  @Test
  @DisplayName("each Deployment as its own process: a task is audited, a recurring one spawns, a reminder reaches a "
    + "SockJS tab; every readiness probe answers and every pod stops cleanly on SIGTERM")
  void podsRun(@TempDir Path dir) throws Exception {
    assertThat(JAR).as("the fat jar (mvn package)").exists();
    List<HasMetadata> objects = Chart.render(Chart.defaults().with("database.url",
      "postgresql://taskflow:secret@postgres.databases.svc:5432/taskflow").with("kafka.bootstrap",
      "kafka-0.kafka.brokers.svc:9092,kafka-1.kafka.brokers.svc:9092")
      // the stand-in is one broker
      .with("kafka.replicationFactor", 1));
    ConfigMap config = Chart.configMap(objects);
    Map<String, Map<String, String>> secrets = new LinkedHashMap<>();
    Chart.ofKind(objects, Secret.class).forEach(secret ->
      secrets.put(secret.getMetadata().getName(), secret.getStringData()));
    // the api pods' mounted key pair
    Path jwt = Files.createDirectories(dir.resolve("jwt"));
    Files.writeString(jwt.resolve("private.pem"), secrets.get("tf-taskflow-jwt").get("private.pem"));
    Files.writeString(jwt.resolve("public.pem"), secrets.get("tf-taskflow-jwt").get("public.pem"));
    // the api and notifier pods' mounted VAPID pair
    Path vapid = Files.writeString(dir.resolve(Chart.VAPID_KEY_PAIR),
      secrets.get("tf-taskflow-push").get(Chart.VAPID_KEY_PAIR));
    String vapidPublicKey = VapidKeys.load(new JsonObject().put("push.vapid.key.file", vapid.toString()))
      .publicKeyBase64Url();

    List<Deployment> deployments = Chart.deployments(objects);
    JsonArray plan = new JsonArray();
    StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n");
    List<String> addresses = new ArrayList<>();
    String dns = config.getData().get("TASKFLOW_CLUSTER_KUBERNETES_SERVICE_DNS");
    for (int i = 0; i < deployments.size(); i++) {
      Deployment deployment = deployments.get(i);
      String ip = "127.0.0." + (11 + i);
      String name = deployment.getMetadata().getName();
      Container container = Chart.container(deployment);
      Map<String, String> env = new LinkedHashMap<>(config.getData());
      for (EnvVar variable : container.getEnv()) {
        env.put(variable.getName(), value(variable, secrets, ip, name + "-0"));
      }
      env.replaceAll((key, value) -> pod(key, value, ip, dir.resolve(name), jwt, vapid));
      Files.createDirectories(dir.resolve(name));
      int ready = port(container, container.getReadinessProbe().getHttpGet().getPort().getStrVal());
      JsonObject pod = new JsonObject().put("name", name).put("ip", ip).put("args", new JsonArray(container.getArgs()))
        .put("env", new JsonObject(new LinkedHashMap<>(env))).put("readyPort", ready);
      if (Chart.set(deployment).equals("api")) {
        pod.put("httpPort", port(container, "http")).put("vapidPublicKey", vapidPublicKey);
      }
      plan.add(pod);
      hosts.append(ip).append(' ').append(dns).append('\n');
      addresses.add(ip);
    }
    Files.writeString(dir.resolve("hosts"), hosts);
    Files.writeString(dir.resolve("plan.json"), plan.encodePrettily());

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String script = "exec " + java + " -Xmx512m -cp '" + System.getProperty("java.class.path") + "' " + PodsRunner.class.getName()
      + " " + dir.resolve("plan.json") + " " + JAR.toAbsolutePath() + " " + dir + "\n";
    Process namespace = NetworkNamespace.start(addresses, script, dir.resolve("runner.log"));
    boolean finished = namespace.waitFor(6, TimeUnit.MINUTES);
    if (!finished) {
      namespace.destroyForcibly();
    }
    String log = Files.readString(dir.resolve("runner.log"));
    System.out.println(log.lines().filter(line -> line.startsWith("STEP") || line.startsWith("FAILED")
      || line.startsWith("  ")).reduce("", (a, b) -> a + b + "\n"));
    assertThat(finished).as("the pods' run finished within 6 minutes").isTrue();
    assertThat(namespace.exitValue()).as(log.lines().filter(line -> !line.startsWith("STEP")).limit(60)
      .reduce("", (a, b) -> a + b + "\n")).isZero();
    assertThat(log).contains("STEP ALL OK");
  }

  /** What a variable is in the pod: a literal, a Secret's key, or the downward API's pod IP and name. */
  private static String value(EnvVar variable, Map<String, Map<String, String>> secrets, String ip, String podName) {
    if (variable.getValueFrom() == null) {
      return variable.getValue();
    }
    if (variable.getValueFrom().getSecretKeyRef() != null) {
      var ref = variable.getValueFrom().getSecretKeyRef();
      return secrets.get(ref.getName()).get(ref.getKey());
    }
    String field = variable.getValueFrom().getFieldRef().getFieldPath();
    return switch (field) {
      case "status.podIP" -> ip;
      case "metadata.name" -> podName;
      default -> throw new AssertionError("a downward API field this test does not know: " + field);
    };
  }

  /** What only the cluster provides, replaced by what stands in for it here. */
  private static String pod(String key, String value, String ip, Path podDir, Path jwt, Path vapid) {
    return switch (key) {
      case "TASKFLOW_DB_URL" -> "${DB_URL}";
      case "TASKFLOW_KAFKA_BOOTSTRAP" -> "${KAFKA}";
      case "TASKFLOW_DATA_DIR" -> podDir.toString(); // the pod's emptyDir
      case "TASKFLOW_JWT_PRIVATE_KEY" -> jwt.resolve("private.pem").toString(); // the mounted Secret
      case "TASKFLOW_JWT_PUBLIC_KEY" -> jwt.resolve("public.pem").toString();
      case "TASKFLOW_PUSH_VAPID_KEY_FILE" -> vapid.toString();
      case "JAVA_TOOL_OPTIONS" -> value.replace("-Djava.io.tmpdir=/tmp", "-Djava.io.tmpdir=" + podDir) // its emptyDir
        + " -Djdk.net.hosts.file=" + podDir.getParent().resolve("hosts");
      default -> value.equals("0.0.0.0") ? ip : value;
    };
  }

  private static int port(Container container, String name) {
    return container.getPorts().stream().filter(port -> name.equals(port.getName()))
      .map(ContainerPort::getContainerPort).findFirst().orElseThrow();
  }
}
