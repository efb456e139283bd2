package dev.taskflow.core.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace of a test's own ({@code unshare -n}, which needs root, as CI has): a loopback interface of its
 * own, up, with an address per "host" or pod (an interface address, as Hazelcast wants one to listen on), so processes
 * in it may all take the same ports, as pods do, without touching the machine's.
 */
public final class NetworkNamespace {

  private NetworkNamespace() {
  }

  /** Skips the calling test where a namespace cannot be made (not root). */
  public static void assumeAvailable() throws IOException, InterruptedException {
    Process probe = new ProcessBuilder("unshare", "-n", "true").redirectErrorStream(true).start();
    Assumptions.assumeTrue(probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0,
      "unshare -n needs root (CI runs as root)");
  }

  /** Runs {@code script} (sh) in a new namespace whose loopback has {@code addresses}; its output goes to {@code log}. */
  public static Process start(List<String> addresses, String script, Path log) throws IOException {
    StringBuilder setUp = new StringBuilder("ip link set lo up || exit 1\n");
    addresses.forEach(address -> setUp.append("ip addr add ").append(address).append("/32 dev lo || exit 1\n"));
    return new ProcessBuilder("unshare", "-n", "sh", "-c", setUp + script)
      .redirectErrorStream(true)
      .redirectOutput(log.toFile())
      .start();
  }
}
