package dev.taskflow.core.push;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The VAPID key pair")
class VapidKeysTest {

  @TempDir
  Path dataDir;

  @Test
  @DisplayName("is generated on first run into <data.dir>/push (0600 in a 0700 directory) and reused afterwards")
  void generatedOnceAndKept() throws Exception {
    VapidKeys first = VapidKeys.loadOrCreate(dataDir);
    VapidKeys again = VapidKeys.loadOrCreate(dataDir);

    assertThat(again.publicKeyBase64Url()).isEqualTo(first.publicKeyBase64Url());
    assertThat(again.privateKey().getS()).isEqualTo(first.privateKey().getS());
    Path file = dataDir.resolve("push").resolve(VapidKeys.KEY_PAIR_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    byte[] point = P256.fromBase64Url(first.publicKeyBase64Url());
    assertThat(point).hasSize(65);
    assertThat(P256.publicKey(point)).isEqualTo(first.publicKey());
  }

  @Test
  @DisplayName("push.vapid.key.file names a pair shared by processes without a common data directory")
  void configuredFile() throws Exception {
    VapidKeys made = VapidKeys.loadOrCreate(dataDir.resolve("elsewhere"));
    Path shared = dataDir.resolve("elsewhere").resolve("push").resolve(VapidKeys.KEY_PAIR_FILE);
    JsonObject config = new JsonObject().put("data.dir", dataDir.resolve("own").toString())
      .put("push.vapid.key.file", shared.toString());

    assertThat(VapidKeys.load(config).publicKeyBase64Url()).isEqualTo(made.publicKeyBase64Url());
    assertThat(dataDir.resolve("own")).doesNotExist();
    assertThatThrownBy(() -> VapidKeys.load(config.copy().put("push.vapid.key.file", dataDir.resolve("none").toString())))
      .hasMessageContaining("push.vapid.key.file");
  }
}
