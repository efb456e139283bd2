package dev.taskflow.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.taskflow.core.auth.JwtKeys;
import dev.taskflow.core.push.VapidKeys;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart in {@code charts/taskflow}, linted and rendered by real Helm 3 (helm-java's native library) and read back
 * as fabric8 Kubernetes objects.
 */
final class Chart {

  static final Path DIR = Path.of("taskflow").toAbsolutePath();
  static final String RELEASE = "tf";
  static final String NAMESPACE = "taskflow";
  /** The Kubernetes version templates render for (the chart needs 1.25 or later: policy/v1, autoscaling/v2). */
  static final String KUBE_VERSION = "1.30.0";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final YAMLMapper YAML = new YAMLMapper();
  static final String VAPID_KEY_PAIR = "vapid-keypair.pem";
  private static final Path KEYS = keys();

  private Chart() {
  }

  /** One way to install the chart: values files (relative to the chart) and {@code --set}s. */
  record Variant(String name, List<String> valuesFiles, Map<String, Object> sets) {

    Variant with(String key, Object value) {
      Map<String, Object> more = new LinkedHashMap<>(sets);
      more.put(key, value);
      return new Variant(name + " " + key + "=" + value, valuesFiles, more);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** What every install must give: a database, a broker, the token key pair (the chart has no working defaults). */
  static Variant defaults() {
    Map<String, Object> sets = new LinkedHashMap<>();
    sets.put("database.url", "postgresql://taskflow:secret@db.internal:5432/taskflow");
    sets.put("kafka.bootstrap", "kafka-0.kafka:9092,kafka-1.kafka:9092");
    return new Variant("defaults", List.of(), sets);
  }

  static Variant minikube() {
    return new Variant("minikube", List.of("values-minikube.yaml"),
      Map.of("postgresql.inCluster.password", "a-password-for-the-laptop"));
  }

  static Variant production() {
    return new Variant("production", List.of("values-production.yaml"), Map.of());
  }

  /** {@code helm template} of the variant; fails with Helm's message when the chart or the values are refused. */
  static String template(Variant variant) {
    TemplateCommand template = new Helm(DIR).template().withName(RELEASE).withNamespace(NAMESPACE)
      .withKubeVersion(KUBE_VERSION);
    for (String file : variant.valuesFiles()) {
      template = template.withValuesFile(DIR.resolve(file));
    }
    for (Map.Entry<String, Object> set : variant.sets().entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    if (needsKeys(variant)) {
      template = template.setFile("jwt.privateKey", KEYS.resolve("private.pem"))
        .setFile("jwt.publicKey", KEYS.resolve("public.pem"));
    }
    if (needsVapidKeys(variant)) {
      template = template.setFile("push.vapidKeyPair", KEYS.resolve(VAPID_KEY_PAIR));
    }
    return template.call();
  }

  private static boolean needsKeys(Variant variant) {
    return !variant.valuesFiles().contains("values-production.yaml") && !variant.sets().containsKey("jwt.existingSecret");
  }

  private static boolean needsVapidKeys(Variant variant) {
    return !variant.valuesFiles().contains("values-production.yaml")
      && !variant.sets().containsKey("push.existingSecret");
  }

  /** The rendered objects, each document parsed by fabric8 (Dapr's kinds as generic resources). */
  static List<HasMetadata> render(Variant variant) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : template(variant).split("(?m)^---\\s*$")) {
      if (document.lines().allMatch(line -> line.isBlank() || line.strip().startsWith("#"))) {
        continue;
      }
      objects.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
    }
    return objects;
  }

  /**
   * {@code helm lint --strict} of the variant. helm-java lints a chart directory with its own values only, so the
   * variant's values are merged into a copy's {@code values.yaml} as Helm would merge them.
   */
  static LintResult lint(Variant variant) {
    try {
      Path copy = Files.createTempDirectory("taskflow-chart-");
      copyTree(DIR, copy.resolve("taskflow"));
      ObjectNode values = (ObjectNode) YAML.readTree(DIR.resolve("values.yaml").toFile());
      for (String file : variant.valuesFiles()) {
        merge(values, YAML.readTree(DIR.resolve(file).toFile()));
      }
      for (Map.Entry<String, Object> set : variant.sets().entrySet()) {
        setPath(values, set.getKey(), set.getValue());
      }
      if (needsKeys(variant)) {
        setPath(values, "jwt.privateKey", Files.readString(KEYS.resolve("private.pem")));
        setPath(values, "jwt.publicKey", Files.readString(KEYS.resolve("public.pem")));
      }
      if (needsVapidKeys(variant)) {
        setPath(values, "push.vapidKeyPair", Files.readString(KEYS.resolve(VAPID_KEY_PAIR)));
      }
      YAML.writeValue(copy.resolve("taskflow").resolve("values.yaml").toFile(), values);
      return new Helm(copy.resolve("taskflow")).lint().strict().call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Deployment> deployments(List<HasMetadata> objects) {
    return objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).toList();
  }

  static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static ConfigMap configMap(List<HasMetadata> objects) {
    return ofKind(objects, ConfigMap.class).stream().filter(map -> map.getMetadata().getName().equals("tf-taskflow"))
      .findFirst().orElseThrow();
  }

  static Container container(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  /** The set a Deployment runs ({@code app.kubernetes.io/component}). */
  static String set(Deployment deployment) {
    return deployment.getMetadata().getLabels().get("app.kubernetes.io/component");
  }

  private static void merge(ObjectNode into, JsonNode from) {
    Iterator<Map.Entry<String, JsonNode>> fields = from.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = into.get(field.getKey());
      if (existing instanceof ObjectNode object && field.getValue().isObject()) {
        merge(object, field.getValue());
      } else {
        into.set(field.getKey(), field.getValue());
      }
    }
  }

  private static void setPath(ObjectNode values, String path, Object value) {
    String[] keys = path.split("\\.");
    ObjectNode node = values;
    for (int i = 0; i < keys.length - 1; i++) {
      node = node.has(keys[i]) && node.get(keys[i]).isObject() ? (ObjectNode) node.get(keys[i]) : node.putObject(keys[i]);
    }
    node.set(keys[keys.length - 1], YAML.valueToTree(value));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.sorted(Comparator.naturalOrder()).toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }

  /** A fresh ES256 pair in PEM files, as an operator makes with openssl. */
  private static Path keys() {
    try {
      Path dir = Files.createTempDirectory("taskflow-chart-keys-");
      JwtKeys keys = JwtKeys.generate();
      Files.writeString(dir.resolve("private.pem"), keys.privatePem());
      Files.writeString(dir.resolve("public.pem"), keys.publicPem());
      Files.writeString(dir.resolve(VAPID_KEY_PAIR), VapidKeys.generate().pem());
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
