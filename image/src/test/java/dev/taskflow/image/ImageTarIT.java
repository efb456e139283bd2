package dev.taskflow.image;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the image tarball Jib built ({@code target/taskflow-image.tar}, a Docker archive) the way a runtime would:
 * {@code manifest.json}, the image config it names, and the layers, and checks what the chart and docs/image.md
 * rely on: how it starts, as whom, where it may write, what it listens on, what it says about itself, and that the
 * base gives the embedded PostgreSQL what it needs.
 */
@DisplayName("The container image tarball")
class ImageTarIT {

  private static final String DATA_DIR = "/var/lib/taskflow";

  private static Path tar;
  private static JsonObject manifest;
  private static JsonObject image;
  private static JsonObject config;

  @BeforeAll
  static void readManifestAndConfig() throws IOException {
    tar = Path.of(System.getProperty("taskflow.image.tar", "target/taskflow-image.tar"));
    assertThat(tar).as("the image tarball (mvn -Pimage -pl image verify, or image/build.sh)").isRegularFile();
    Map<String, byte[]> json = new HashMap<>();
    try (InputStream in = Files.newInputStream(tar)) {
      TarEntries.read(in, (entry, content) -> {
        if (entry.name().endsWith(".json")) {
          json.put(entry.name(), TarEntries.bytes(content));
        }
        return true;
      });
    }
    assertThat(json).as("entries of %s", tar).containsKey("manifest.json");
    JsonArray images = new JsonArray(new String(json.get("manifest.json"), StandardCharsets.UTF_8));
    assertThat(images).hasSize(1);
    manifest = images.getJsonObject(0);
    assertThat(json).containsKey(manifest.getString("Config"));
    image = new JsonObject(new String(json.get(manifest.getString("Config")), StandardCharsets.UTF_8));
    config = image.getJsonObject("config");
  }

  @Test
  @DisplayName("is tagged with the name and version it was built as, for linux/amd64")
  void taggedAndForLinux() {
    assertThat(manifest.getJsonArray("RepoTags"))
      .anySatisfy(tag -> assertThat(tag.toString()).endsWith(System.getProperty("taskflow.image.name")));
    assertThat(image.getString("os")).isEqualTo("linux");
    assertThat(image.getString("architecture")).isEqualTo("amd64");
  }

  @Test
  @DisplayName("runs the fat jar with java -jar and container-aware JVM flags, with no command to override it")
  void entrypointIsJavaJar() {
    assertThat(config.getJsonArray("Entrypoint")).containsExactly(
      "java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp",
      "-jar", "/app/taskflow.jar");
    JsonArray cmd = config.getJsonArray("Cmd");
    assertThat(cmd == null || cmd.isEmpty()).as("Cmd %s", cmd).isTrue();
  }

  @Test
  @DisplayName("runs as the unprivileged taskflow user in its data directory")
  void nonRootUser() {
    assertThat(config.getString("User")).isEqualTo("10001:10001");
    assertThat(config.getString("WorkingDir")).isEqualTo(DATA_DIR);
  }

  @Test
  @DisplayName("exposes HTTP, management, Hazelcast, the event bus and the Dapr app port")
  void exposedPorts() {
    assertThat(config.getJsonObject("ExposedPorts").fieldNames())
      .containsExactlyInAnyOrder("8080/tcp", "9000/tcp", "5701/tcp", "5711/tcp", "3601/tcp");
  }

  @Test
  @DisplayName("keeps data and temporary files on the two volumes, and fixes the event-bus port it exposes")
  void environmentAndVolumes() {
    JsonArray env = config.getJsonArray("Env");
    assertThat(env).contains("TASKFLOW_DATA_DIR=" + DATA_DIR, "TMPDIR=/tmp", "TASKFLOW_CLUSTER_EVENTBUS_PORT=5711",
      "LANG=C.UTF-8");
    assertThat(env).anySatisfy(entry -> assertThat(entry.toString()).startsWith("PATH=").contains("/usr/bin"));
    assertThat(config.getJsonObject("Volumes").fieldNames()).containsExactlyInAnyOrder("/tmp", DATA_DIR);
  }

  @Test
  @DisplayName("carries the OCI labels, with the commit it was built from and the commit's time as its creation time")
  void ociLabels() {
    JsonObject labels = config.getJsonObject("Labels");
    assertThat(labels.getString("org.opencontainers.image.title")).isEqualTo("Taskflow");
    assertThat(labels.getString("org.opencontainers.image.version")).isNotBlank().doesNotContain("${");
    assertThat(labels.getString("org.opencontainers.image.revision"))
      .isEqualTo(System.getProperty("taskflow.image.revision", "unknown"));
    assertThat(labels.fieldNames()).contains("org.opencontainers.image.source", "org.opencontainers.image.licenses",
      "org.opencontainers.image.description");
    Instant created = Instant.parse(labels.getString("org.opencontainers.image.created"));
    assertThat(Instant.parse(image.getString("created"))).isEqualTo(created);
  }

  @Test
  @DisplayName("has the launcher's fat jar in its own top layer, above the base's one layer and Jib's small one")
  void jarLayerOnTheBase() throws IOException {
    JsonArray layers = manifest.getJsonArray("Layers");
    // the base, Jib's JVM argument files (unused: the entrypoint is java -jar), the jar
    assertThat(layers).hasSize(3);
    Map<String, String> mainClass = new HashMap<>();
    readLayer(layers.getString(layers.size() - 1), (entry, content) -> {
      if (entry.name().equals("app/taskflow.jar")) {
        assertThat(entry.mode()).isEqualTo(0644);
        Manifest jarManifest = new JarInputStream(content).getManifest();
        assertThat(jarManifest).as("the jar's manifest").isNotNull();
        mainClass.put(entry.name(), jarManifest.getMainAttributes().getValue("Main-Class"));
      }
      return true;
    });
    assertThat(mainClass).containsEntry("app/taskflow.jar", "dev.taskflow.launcher.Main");
  }

  @Test
  @DisplayName("has a base with Java 17, the user, a data directory it owns, a sticky /tmp and an /etc/hosts")
  void baseForTheEmbeddedServers() throws IOException {
    Map<String, TarEntries.Entry> entries = new HashMap<>();
    Map<String, String> files = new HashMap<>();
    readLayer(manifest.getJsonArray("Layers").getString(0), (entry, content) -> {
      String name = entry.name().endsWith("/") ? entry.name().substring(0, entry.name().length() - 1) : entry.name();
      entries.put(name, entry);
      if (name.equals("etc/hosts") || name.equals("etc/passwd") || name.equals("etc/group")) {
        files.put(name, new String(TarEntries.bytes(content), StandardCharsets.UTF_8));
      }
      return true;
    });
    assertThat(entries).containsKey("usr/lib/jvm/java-17-openjdk-amd64/bin/java");
    // the embedded PostgreSQL is reached as localhost, and runc (unlike Docker or Kubernetes) mounts no /etc/hosts
    assertThat(files.get("etc/hosts")).containsPattern("(?m)^127\\.0\\.0\\.1\\s+localhost\\b");
    assertThat(files.get("etc/passwd")).contains("taskflow:x:10001:10001:");
    assertThat(files.get("etc/group")).contains("taskflow:x:10001:");
    assertThat(entries.get("var/lib/taskflow")).satisfies(dir -> {
      assertThat(dir.type()).isEqualTo('5');
      assertThat(dir.uid()).isEqualTo(10001);
    });
    assertThat(entries.get("tmp").mode()).isEqualTo(01777);
  }

  /** Streams one layer (a tar inside the image's tar) through the visitor. */
  private static void readLayer(String layer, TarEntries.Visitor visitor) throws IOException {
    boolean[] found = {false};
    try (InputStream in = Files.newInputStream(tar)) {
      TarEntries.read(in, (entry, content) -> {
        if (!entry.name().equals(layer)) {
          return true;
        }
        found[0] = true;
        TarEntries.read(content, visitor);
        return false;
      });
    }
    assertThat(found[0]).as("layer %s in %s", layer, tar).isTrue();
  }
}
