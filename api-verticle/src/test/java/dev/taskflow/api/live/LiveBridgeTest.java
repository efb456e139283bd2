package dev.taskflow.api.live;

import dev.taskflow.api.TestApi;
import dev.taskflow.api.TestApi.Session;
import dev.taskflow.core.auth.JwtKeys;
import dev.taskflow.core.auth.JwtSettings;
import dev.taskflow.core.auth.TokenAuth;
import dev.taskflow.core.event.Addresses;
import dev.taskflow.core.outbox.RelayVerticle;
import io.vertx.core.DeploymentOptions;
import dev.taskflow.core.testing.TestDatabase;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.taskflow.api.TestApi.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event-bus bridge, spoken to by a plain SockJS client: the SockJS websocket transport, with its framing
 * ({@code o} to open, {@code a[...]} for messages, every frame a JSON string array), carrying the vertx-eventbus
 * frames ({@code register}, {@code send}, {@code publish}, {@code rec}, {@code err}).
 */
@DisplayName("The event-bus bridge")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveBridgeTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase();

  TestApi api;
  Session ada;
  Session bob;
  TokenAuth serverKeys;

  @BeforeAll
  void start() {
    api = new TestApi(db);
    // the relay publishes the outbox on the event bus (the tests' transport), where the fan-out picks it up
    await(api.vertx.deployVerticle(new RelayVerticle(), new DeploymentOptions().setConfig(api.config)));
    ada = api.register();
    bob = api.register();
    JwtSettings settings = JwtSettings.from(api.config);
    serverKeys = TokenAuth.local(api.vertx, settings, JwtKeys.loadOrCreate(settings));
  }

  @AfterAll
  void stop() {
    api.close();
  }

  /** One SockJS session over the websocket transport. */
  final class SockJsClient implements AutoCloseable {

    final WebSocket socket;
    final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();

    SockJsClient() throws InterruptedException {
      WebSocketClient client = api.vertx.createWebSocketClient();
      BlockingQueue<String> opened = new LinkedBlockingQueue<>();
      // the handler goes on in the connect callback, on the event loop, before the open frame can arrive; the bridge
      // writes text or binary frames, both carrying the same SockJS text
      socket = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(api.config.getInteger("http.port"))
          .setURI("/eventbus/000/" + UUID.randomUUID().toString().substring(0, 8) + "/websocket"))
        .onSuccess(ws -> ws.handler(data -> {
          String text = data.toString();
          if (text.startsWith("a")) {
            new JsonArray(text.substring(1)).forEach(message -> frames.add(new JsonObject((String) message)));
          } else {
            opened.add(text);
          }
        })));
      assertThat(opened.poll(10, TimeUnit.SECONDS)).as("the SockJS open frame").isEqualTo("o");
    }

    void send(JsonObject frame) {
      await(socket.writeTextMessage(new JsonArray().add(frame.encode()).encode()));
    }

    void register(String address, String token) {
      JsonObject frame = new JsonObject().put("type", "register").put("address", address);
      if (token != null) {
        frame.put("headers", new JsonObject().put("Authorization", "Bearer " + token));
      }
      send(frame);
    }

    JsonObject next() throws InterruptedException {
      JsonObject frame = frames.poll(10, TimeUnit.SECONDS);
      assertThat(frame).as("a frame from the bridge").isNotNull();
      return frame;
    }

    /** Frames of type {@code rec} on {@code address} within a short wait. */
    List<JsonObject> receivedOn(String address) throws InterruptedException {
      Thread.sleep(300);
      return frames.stream().filter(f -> "rec".equals(f.getString("type")) && address.equals(f.getString("address")))
        .toList();
    }

    @Override
    public void close() {
      await(socket.close());
    }
  }

  /** {@code access_denied} when the bridge's permissions refuse, {@code rejected} when its authorization does. */
  static void assertRefused(JsonObject frame) {
    assertThat(frame.getString("type")).isEqualTo("err");
    assertThat(frame.getString("body")).isIn("access_denied", "rejected");
  }

  @Test
  @DisplayName("a user's own addresses receive what is published on them; nothing else does")
  void ownAddresses() throws Exception {
    try (SockJsClient client = new SockJsClient()) {
      String tasks = Addresses.tasksOf(ada.userId());
      String notifications = Addresses.notificationsOf(ada.userId());
      client.register(tasks, ada.token());
      client.register(notifications, ada.token());
      Thread.sleep(300);
      api.vertx.eventBus().publish(tasks, new JsonObject().put("sequence", 1));
      api.vertx.eventBus().publish(notifications, new JsonObject().put("reminder", "x"));
      api.vertx.eventBus().publish(Addresses.tasksOf(bob.userId()), new JsonObject().put("sequence", 99));
      assertThat(client.receivedOn(tasks)).singleElement()
        .satisfies(frame -> assertThat(frame.getJsonObject("body").getLong("sequence")).isEqualTo(1L));
      assertThat(client.receivedOn(notifications)).hasSize(1);
      assertThat(client.frames).noneMatch(frame -> "err".equals(frame.getString("type")));
    }
  }

  @Test
  @DisplayName("a register on another user's address is refused, and nothing of theirs arrives")
  void otherUser() throws Exception {
    try (SockJsClient client = new SockJsClient()) {
      String bobs = Addresses.tasksOf(bob.userId());
      client.register(bobs, ada.token());
      assertRefused(client.next());
      api.vertx.eventBus().publish(bobs, new JsonObject().put("sequence", 7));
      assertThat(client.receivedOn(bobs)).isEmpty();
    }
  }

  @Test
  @DisplayName("a register without a token, with garbage, or with an expired token is refused")
  void badTokens() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String expired = serverKeys.generateToken(new JsonObject().put("sub", ada.userId().toString())
        .put("iss", "taskflow").put("aud", "taskflow").put("iat", now - 7200).put("exp", now - 60),
      new JWTOptions().setAlgorithm("ES256").setNoTimestamp(true));
    String tasks = Addresses.tasksOf(ada.userId());
    for (String token : new String[]{null, "garbage", expired}) {
      try (SockJsClient client = new SockJsClient()) {
        client.register(tasks, token);
        assertRefused(client.next());
        api.vertx.eventBus().publish(tasks, new JsonObject().put("sequence", 5));
        assertThat(client.receivedOn(tasks)).as("with token %s", token).isEmpty();
      }
    }
  }

  @Test
  @DisplayName("deliveries stop when the token that registered expires")
  void expiry() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String shortLived = serverKeys.generateToken(new JsonObject().put("sub", ada.userId().toString())
        .put("iss", "taskflow").put("aud", "taskflow").put("iat", now).put("exp", now + 2),
      new JWTOptions().setAlgorithm("ES256").setNoTimestamp(true));
    try (SockJsClient client = new SockJsClient()) {
      String tasks = Addresses.tasksOf(ada.userId());
      client.register(tasks, shortLived);
      Thread.sleep(300);
      api.vertx.eventBus().publish(tasks, new JsonObject().put("sequence", 1));
      assertThat(client.receivedOn(tasks)).hasSize(1);
      Thread.sleep(3_000);
      api.vertx.eventBus().publish(tasks, new JsonObject().put("sequence", 2));
      assertThat(client.receivedOn(tasks)).as("nothing after the expiry").hasSize(1);
    }
  }

  @Test
  @DisplayName("a send or publish on any address, own ones included, is refused")
  void nothingInbound() throws Exception {
    try (SockJsClient client = new SockJsClient()) {
      List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
      String own = Addresses.tasksOf(ada.userId());
      for (String address : List.of(own, "audit.history", "recurrence.series")) {
        var consumer = api.vertx.eventBus().consumer(address, message -> received.add(address));
        await(consumer.completion());
        for (String type : List.of("send", "publish")) {
          client.send(new JsonObject().put("type", type).put("address", address)
            .put("headers", new JsonObject().put("Authorization", "Bearer " + ada.token()))
            .put("body", new JsonObject().put("userId", ada.userId().toString())));
          assertRefused(client.next());
        }
        await(consumer.unregister());
      }
      assertThat(received).isEmpty();
    }
  }

  @Test
  @DisplayName("a task change reaches the user's browsers as its CloudEvent, with the sequence to resume from")
  void fanOut() throws Exception {
    try (SockJsClient client = new SockJsClient()) {
      String tasks = Addresses.tasksOf(ada.userId());
      client.register(tasks, ada.token());
      Thread.sleep(300);
      JsonObject task = api.createTask(ada, "Live");
      JsonObject event = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (event == null && System.nanoTime() < deadline) {
        JsonObject frame = client.frames.poll(1, TimeUnit.SECONDS);
        if (frame != null && "rec".equals(frame.getString("type"))) {
          event = frame.getJsonObject("body");
        }
      }
      assertThat(event).as("the created event on " + tasks).isNotNull();
      assertThat(event.getString("type")).isEqualTo("taskflow.task.created");
      assertThat(event.getString("subject")).isEqualTo(task.getString("id"));
      assertThat(event.getLong("sequence")).isPositive();
    }
  }
}
