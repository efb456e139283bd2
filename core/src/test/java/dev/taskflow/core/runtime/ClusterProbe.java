package dev.taskflow.core.runtime;

import com.hazelcast.config.Config;
import com.hazelcast.spi.properties.ClusterProperty;
import dev.taskflow.core.config.TaskflowConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One member of {@link KubernetesDiscoveryTest}'s cluster, in a process of its own: reads the configuration as the
 * launcher does (defaults, then {@code TASKFLOW_*}), joins with {@link TaskflowVertx#start} (or, with
 * {@code --join-wait-zero}, the same Hazelcast configuration with no wait before the join, the trap the settings
 * refuse), answers {@code probe.<me>}, and asks every other member's address once the cluster has {@code expected}
 * members. Prints {@code MEMBERS <n>} when it has seen them all (or {@code ALONE <n>} after 12 s), then
 * {@code PONG <other>} per answer, and stays a while so the others can ask it too.
 *
 * <p>{@code ClusterProbe <me> <expected> <other>... [--join-wait-zero]}
 */
public final class ClusterProbe {

  private ClusterProbe() {
  }

  public static void main(String[] args) throws Exception {
    String me = args[0];
    int expected = Integer.parseInt(args[1]);
    boolean waitZero = List.of(args).contains("--join-wait-zero");
    List<String> others = List.of(args).subList(2, args.length).stream().filter(a -> !a.startsWith("--")).toList();
    Vertx bootstrap = Vertx.vertx();
    JsonObject config = TaskflowConfig.load(bootstrap, null).toCompletionStage().toCompletableFuture()
      .get(30, TimeUnit.SECONDS);
    bootstrap.close();
    ClusterSettings cluster = ClusterSettings.from(config);
    Vertx vertx;
    if (waitZero) {
      Config hazelcast = cluster.hazelcastConfig();
      hazelcast.setProperty(ClusterProperty.WAIT_SECONDS_BEFORE_JOIN.getName(), "0");
      vertx = Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setPort(cluster.busPort())))
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } else {
      vertx = TaskflowVertx.start(cluster).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    vertx.eventBus().<String>consumer("probe." + me, message -> message.reply("pong from " + me)).completion()
      .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
    while (TaskflowVertx.clusterMembers(vertx) < expected && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    int members = TaskflowVertx.clusterMembers(vertx);
    System.out.println((members >= expected ? "MEMBERS " : "ALONE ") + members);
    if (members >= expected) {
      for (String other : others) {
        for (int attempt = 0; attempt < 50; attempt++) {
          try {
            String answer = vertx.eventBus().<String>request("probe." + other, "ping from " + me)
              .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS).body();
            System.out.println("PONG " + other + " (" + answer + ")");
            break;
          } catch (Exception notYet) {
            Thread.sleep(200); // its consumer's registration may not have reached us yet
          }
        }
      }
    }
    System.out.flush();
    Thread.sleep(5_000);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.exit(0);
  }
}
