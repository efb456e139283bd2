package dev.taskflow.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.LintResult;
import dev.taskflow.charts.Chart.Variant;
import dev.taskflow.core.config.TaskflowConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart, as real Helm renders it: lint --strict and template for every way it is meant to be installed, every
 * object parsed by fabric8 with no field fabric8 does not know, and the wiring checked object against object.
 */
@DisplayName("The Helm chart")
class ChartTest {

  private static final List<String> SETS = List.of("api", "audit", "recurrence", "notifier", "relay");

  static Stream<Variant> variants() {
    Variant defaults = Chart.defaults();
    return Stream.of(
      defaults,
      Chart.minikube(),
      Chart.production(),
      defaults.with("dapr.enabled", true),
      Chart.minikube().with("dapr.enabled", true),
      defaults.with("podDisruptionBudget.enabled", false),
      defaults.with("api.autoscaling.enabled", true),
      defaults.with("networkPolicy.enabled", true),
      Chart.production().with("networkPolicy.enabled", false).with("api.autoscaling.enabled", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("passes helm lint --strict")
  void lints(Variant variant) {
    LintResult result = Chart.lint(variant);
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    assertThat(result.getMessages()).noneMatch(message -> message.contains("[WARNING]") || message.contains("[ERROR]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("renders only objects and fields Kubernetes knows (fabric8 keeps unknown fields aside: none may be)")
  void noUnknownFields(Variant variant) {
    List<HasMetadata> objects = Chart.render(variant);
    assertThat(objects).isNotEmpty();
    for (HasMetadata object : objects) {
      if (object instanceof GenericKubernetesResource generic) {
        assertThat(generic.getApiVersion()).as("only Dapr's kinds are generic").startsWith("dapr.io/");
        continue;
      }
      List<String> unknown = new ArrayList<>();
      walk(object, object.getKind() + " " + object.getMetadata().getName(), unknown, new IdentityHashMap<>());
      assertThat(unknown).as("unknown fields in " + variant).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("selectors select the pods they are meant for, and every Taskflow container has its probes")
  void wiring(Variant variant) {
    List<HasMetadata> objects = Chart.render(variant);
    List<Deployment> deployments = Chart.deployments(objects);
    assertThat(deployments).extracting(Chart::set).containsExactlyInAnyOrderElementsOf(SETS);
    List<PodTemplateSpec> pods = new ArrayList<>();
    deployments.forEach(deployment -> pods.add(deployment.getSpec().getTemplate()));
    Chart.ofKind(objects, StatefulSet.class).forEach(set -> pods.add(set.getSpec().getTemplate()));

    for (Deployment deployment : deployments) {
      assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
      assertThat(pods.stream().filter(pod -> selects(deployment.getSpec().getSelector().getMatchLabels(), pod)))
        .as("pods the selector of " + deployment.getMetadata().getName() + " matches").hasSize(1);
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      assertThat(pod.getAutomountServiceAccountToken()).isFalse();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getTerminationGracePeriodSeconds()).as("above the cluster leave and shutdown time").isGreaterThan(45);
      Container container = Chart.container(deployment);
      assertThat(container.getArgs()).containsExactly("--verticles", Chart.set(deployment), "--cluster");
      assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(container.getVolumeMounts()).anySatisfy(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
      for (Probe probe : List.of(container.getStartupProbe(), container.getLivenessProbe(),
        container.getReadinessProbe())) {
        assertThat(probe).as("probes of " + deployment.getMetadata().getName()).isNotNull();
        String port = probe.getHttpGet().getPort().getStrVal();
        assertThat(container.getPorts()).extracting(ContainerPort::getName).contains(port);
        assertThat(port).isEqualTo("management");
      }
    }
    for (StatefulSet set : Chart.ofKind(objects, StatefulSet.class)) {
      assertThat(set.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(set.getSpec().getSelector().getMatchLabels());
      assertThat(set.getSpec().getTemplate().getSpec().getContainers())
        .allSatisfy(container -> assertThat(container.getReadinessProbe()).isNotNull());
    }
    for (Service service : Chart.ofKind(objects, Service.class)) {
      assertThat(pods.stream().filter(pod -> selects(service.getSpec().getSelector(), pod)))
        .as("pods of Service " + service.getMetadata().getName()).isNotEmpty();
      for (var port : service.getSpec().getPorts()) {
        String target = port.getTargetPort().getStrVal();
        assertThat(pods.stream().filter(pod -> selects(service.getSpec().getSelector(), pod))
          .flatMap(pod -> pod.getSpec().getContainers().stream())
          .flatMap(container -> container.getPorts().stream()).map(ContainerPort::getName))
          .as("target port " + target + " of Service " + service.getMetadata().getName()).contains(target);
      }
    }
    for (PodDisruptionBudget budget : Chart.ofKind(objects, PodDisruptionBudget.class)) {
      assertThat(deployments.stream()
        .filter(deployment -> selects(budget.getSpec().getSelector().getMatchLabels(), deployment.getSpec().getTemplate())))
        .hasSize(1);
    }
    for (NetworkPolicy policy : Chart.ofKind(objects, NetworkPolicy.class)) {
      assertThat(pods.stream().filter(pod -> selects(policy.getSpec().getPodSelector().getMatchLabels(), pod)))
        .isNotEmpty();
    }
    for (HorizontalPodAutoscaler hpa : Chart.ofKind(objects, HorizontalPodAutoscaler.class)) {
      assertThat(deployments).extracting(deployment -> deployment.getMetadata().getName())
        .contains(hpa.getSpec().getScaleTargetRef().getName());
      Deployment api = deployments.stream().filter(d -> Chart.set(d).equals("api")).findFirst().orElseThrow();
      assertThat(api.getSpec().getReplicas()).as("replicas are the autoscaler's").isNull();
    }
    Chart.ofKind(objects, ServiceAccount.class)
      .forEach(account -> assertThat(account.getAutomountServiceAccountToken()).isFalse());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("the pods look the cluster up by the headless Service's own DNS name, which publishes not-ready pods")
  void clusterDiscovery(Variant variant) {
    List<HasMetadata> objects = Chart.render(variant);
    String dns = Chart.configMap(objects).getData().get("TASKFLOW_CLUSTER_KUBERNETES_SERVICE_DNS");
    Service headless = Chart.ofKind(objects, Service.class).stream()
      .filter(service -> "None".equals(service.getSpec().getClusterIP())).findFirst().orElseThrow();
    assertThat(dns).isEqualTo(headless.getMetadata().getName() + "." + Chart.NAMESPACE + ".svc.cluster.local");
    assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
    for (Deployment deployment : Chart.deployments(objects)) {
      assertThat(selects(headless.getSpec().getSelector(), deployment.getSpec().getTemplate()))
        .as(deployment.getMetadata().getName() + " is a member").isTrue();
      Container container = Chart.container(deployment);
      assertThat(container.getEnv()).anySatisfy(env -> {
        assertThat(env.getName()).isEqualTo("TASKFLOW_CLUSTER_HOST");
        assertThat(env.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
      });
      Map<String, Integer> ports = container.getPorts().stream()
        .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
      assertThat(ports.get("hazelcast")).hasToString(Chart.configMap(objects).getData().get("TASKFLOW_CLUSTER_PORT"));
      assertThat(ports.get("eventbus"))
        .hasToString(Chart.configMap(objects).getData().get("TASKFLOW_CLUSTER_EVENTBUS_PORT"));
    }
    // the in-cluster Kafka and PostgreSQL are not members
    for (StatefulSet set : Chart.ofKind(objects, StatefulSet.class)) {
      assertThat(selects(headless.getSpec().getSelector(), set.getSpec().getTemplate())).isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("every TASKFLOW_* variable a container gets is one the launcher reads")
  void environmentIsKnown(Variant variant) {
    Set<String> known = TaskflowConfig.defaults().fieldNames().stream().map(TaskflowConfig::envName)
      .collect(Collectors.toCollection(HashSet::new));
    known.add(TaskflowConfig.ENV_PREFIX + "CONFIG");
    List<HasMetadata> objects = Chart.render(variant);
    Set<String> given = new HashSet<>(Chart.configMap(objects).getData().keySet());
    for (Deployment deployment : Chart.deployments(objects)) {
      Chart.container(deployment).getEnv().stream().map(EnvVar::getName).forEach(given::add);
    }
    assertThat(given.stream().filter(name -> name.startsWith(TaskflowConfig.ENV_PREFIX)))
      .isNotEmpty()
      .allSatisfy(name -> assertThat(known).as("a key the launcher reads").contains(name));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("the api and notifier pods read one VAPID pair from one Secret (their data directories are their own); "
    + "the others have none")
  void vapidKeyPair(Variant variant) {
    List<HasMetadata> objects = Chart.render(variant);
    String secret = variant.valuesFiles().contains("values-production.yaml") ? "taskflow-push" : "tf-taskflow-push";
    if (secret.startsWith("tf-")) {
      assertThat(Chart.ofKind(objects, Secret.class))
        .filteredOn(rendered -> rendered.getMetadata().getName().equals(secret)).singleElement()
        .satisfies(rendered -> assertThat(rendered.getStringData().get(Chart.VAPID_KEY_PAIR))
          .startsWith("-----BEGIN PRIVATE KEY-----").contains("-----BEGIN PUBLIC KEY-----"));
    }
    for (Deployment deployment : Chart.deployments(objects)) {
      Container container = Chart.container(deployment);
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      var file = container.getEnv().stream().filter(env -> env.getName().equals("TASKFLOW_PUSH_VAPID_KEY_FILE"))
        .map(EnvVar::getValue).findFirst();
      if (!List.of("api", "notifier").contains(Chart.set(deployment))) {
        assertThat(file).as(deployment.getMetadata().getName()).isEmpty();
        assertThat(pod.getVolumes()).noneSatisfy(volume -> assertThat(volume.getName()).isEqualTo("push"));
        continue;
      }
      assertThat(file).as(deployment.getMetadata().getName()).hasValue("/etc/taskflow/push/" + Chart.VAPID_KEY_PAIR);
      assertThat(container.getVolumeMounts()).filteredOn(mount -> mount.getName().equals("push")).singleElement()
        .satisfies(mount -> {
          assertThat(mount.getMountPath()).isEqualTo("/etc/taskflow/push");
          assertThat(mount.getReadOnly()).isTrue();
        });
      assertThat(pod.getVolumes()).filteredOn(volume -> volume.getName().equals("push")).singleElement()
        .satisfies(volume -> {
          assertThat(volume.getSecret().getSecretName()).isEqualTo(secret);
          assertThat(volume.getSecret().getItems()).singleElement().satisfies(item -> {
            assertThat(item.getKey()).isEqualTo(Chart.VAPID_KEY_PAIR);
            assertThat(item.getPath()).isEqualTo(Chart.VAPID_KEY_PAIR);
          });
        });
    }
  }

  @Test
  @DisplayName("with Dapr: every set has its own app id; the consuming sets' app-port is the delivery port Taskflow is "
    + "told to serve, and the relay, which only publishes, has none")
  void dapr() {
    List<HasMetadata> objects = Chart.render(Chart.defaults().with("dapr.enabled", true).with("dapr.appPort", 3700));
    ConfigMap config = Chart.configMap(objects);
    assertThat(config.getData()).containsEntry("TASKFLOW_TRANSPORT", "dapr").containsEntry("TASKFLOW_DAPR_APP_PORT",
      "3700");
    List<String> appIds = new ArrayList<>();
    for (Deployment deployment : Chart.deployments(objects)) {
      Map<String, String> annotations = deployment.getSpec().getTemplate().getMetadata().getAnnotations();
      assertThat(annotations).containsEntry("dapr.io/enabled", "true");
      appIds.add(annotations.get("dapr.io/app-id"));
      if (Chart.set(deployment).equals("relay")) {
        assertThat(annotations).doesNotContainKey("dapr.io/app-port");
      } else {
        assertThat(annotations).containsEntry("dapr.io/app-port", "3700")
          .containsEntry("dapr.io/enable-app-health-check", "true");
        assertThat(Chart.container(deployment).getPorts())
          .anySatisfy(port -> assertThat(port.getContainerPort()).isEqualTo(3700));
      }
    }
    assertThat(appIds).doesNotHaveDuplicates().hasSize(SETS.size());
    assertThat(objects).filteredOn(object -> object.getKind().equals("Component")).hasSize(1);
    assertThat(objects).filteredOn(object -> object.getKind().equals("Resiliency")).hasSize(1);
    // without Dapr: no annotations, no components
    List<HasMetadata> plain = Chart.render(Chart.defaults());
    assertThat(Chart.deployments(plain)).allSatisfy(deployment -> assertThat(
      deployment.getSpec().getTemplate().getMetadata().getAnnotations()).doesNotContainKey("dapr.io/enabled"));
    assertThat(plain).noneMatch(object -> object instanceof GenericKubernetesResource);
  }

  @Test
  @DisplayName("the Dapr Component and Resiliency it renders are dapr-components/'s, but for the brokers' source")
  void daprComponentsDoNotDrift() throws Exception {
    YAMLMapper yaml = new YAMLMapper();
    List<HasMetadata> objects = Chart.render(Chart.defaults().with("dapr.enabled", true));
    GenericKubernetesResource component = (GenericKubernetesResource) objects.stream()
      .filter(object -> object.getKind().equals("Component")).findFirst().orElseThrow();
    GenericKubernetesResource resiliency = (GenericKubernetesResource) objects.stream()
      .filter(object -> object.getKind().equals("Resiliency")).findFirst().orElseThrow();
    JsonNode file = yaml.readTree(Path.of("..", "dapr-components", "pubsub.yaml").toFile());
    JsonNode rendered = yaml.valueToTree(component.getAdditionalProperties());

    assertThat(rendered.at("/spec/type")).isEqualTo(file.at("/spec/type"));
    assertThat(rendered.at("/spec/version")).isEqualTo(file.at("/spec/version"));
    assertThat(metadata(rendered)).as("the component's metadata but the brokers")
      .isEqualTo(metadata(file));
    assertThat(rendered.at("/spec/metadata").findValuesAsText("name")).contains("brokers");

    JsonNode resiliencyFile = yaml.readTree(Path.of("..", "dapr-components", "resiliency.yaml").toFile());
    assertThat((JsonNode) yaml.valueToTree(resiliency.getAdditionalProperties()).get("spec"))
      .isEqualTo(resiliencyFile.get("spec"));
  }

  /** A component's metadata as name → value, without the brokers (a secret reference in the file, a value here). */
  private static Map<String, String> metadata(JsonNode component) {
    Map<String, String> entries = new java.util.TreeMap<>();
    component.at("/spec/metadata").forEach(entry -> {
      if (!entry.get("name").asText().equals("brokers")) {
        entries.put(entry.get("name").asText(), entry.path("value").asText());
      }
    });
    return entries;
  }

  @Test
  @DisplayName("values.schema.json refuses bad values, and the chart names what is missing")
  void refusesBadValues() {
    Variant defaults = Chart.defaults();
    for (Variant bad : List.of(
      defaults.with("transport", "rabbitmq"),
      defaults.with("api.replicaCount", -1),
      defaults.with("cluster.joinWaitSeconds", 0),
      defaults.with("image.pullPolicy", "Sometimes"),
      defaults.with("management.port", 70000),
      defaults.with("kafka.bootstrap", "no port here"),
      defaults.with("dapr.component.authType", "magic"),
      defaults.with("notAValue", 1),
      defaults.with("api.replicas", 3),
      defaults.with("database.url", "mysql://db/taskflow"),
      defaults.with("push.existingSecret", "").with("push.vapidKeyPair", "not a key pair"))) {
      assertThatThrownBy(() -> Chart.template(bad)).as(bad.name())
        .hasMessageContaining("values don't meet the specifications of the schema");
    }
    Map<String, Object> noDatabase = new java.util.LinkedHashMap<>(defaults.sets());
    noDatabase.remove("database.url");
    assertThatThrownBy(() -> Chart.template(new Variant("no database", List.of(), noDatabase)))
      .hasMessageContaining("database.url or database.existingSecret is required");
    Map<String, Object> noKafka = new java.util.LinkedHashMap<>(defaults.sets());
    noKafka.remove("kafka.bootstrap");
    assertThatThrownBy(() -> Chart.template(new Variant("no kafka", List.of(), noKafka)))
      .hasMessageContaining("kafka.bootstrap is required");
    assertThatThrownBy(() -> Chart.template(new Variant("no keys", List.of(), Map.of(
      "database.url", "postgresql://db/taskflow", "kafka.bootstrap", "kafka:9092", "jwt.existingSecret", ""))))
      .hasMessageContaining("jwt.privateKey");
    assertThatThrownBy(() -> Chart.template(defaults.with("push.existingSecret", "").with("push.vapidKeyPair", "")))
      .hasMessageContaining("push.vapidKeyPair (PEM, e.g. --set-file push.vapidKeyPair=vapid-keypair.pem)"
        + " or push.existingSecret is required");
  }

  private static boolean selects(Map<String, String> selector, PodTemplateSpec pod) {
    return selector != null && !selector.isEmpty()
      && pod.getMetadata().getLabels().entrySet().containsAll(selector.entrySet());
  }

  /**
   * Walks a fabric8 object through its getters; any {@code getAdditionalProperties()} that is not empty is a field
   * the chart wrote that the Kubernetes API does not have (a typo, or one at the wrong level).
   */
  private static void walk(Object node, String path, List<String> unknown, Map<Object, Boolean> seen) {
    if (node == null || seen.put(node, true) != null) {
      return;
    }
    if (node instanceof Collection<?> collection) {
      int i = 0;
      for (Object item : collection) {
        walk(item, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> walk(value, path + "." + key, unknown, seen));
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method method : node.getClass().getMethods()) {
      if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
        || !method.getName().startsWith("get") || method.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value;
      try {
        value = method.invoke(node);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      if (method.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + ": " + extra.keySet());
        }
        continue;
      }
      walk(value, path + "." + method.getName().substring(3), unknown, seen);
    }
  }
}
