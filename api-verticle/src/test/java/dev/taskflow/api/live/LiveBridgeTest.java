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
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;
import io.vertx.core.Promise;
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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
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

  static final int SOCKETS_PER_USER = 3;

  TestApi api;
  Session ada;
  Session bob;
  TokenAuth serverKeys;

  @BeforeAll
  void start() {
    api = new TestApi(db, new JsonObject().put("live.sockets.per.user", SOCKETS_PER_USER));
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
    /** Completes with the close status when the server closes the socket (or the connection drops). */
    final CompletableFuture<Short> closed = new CompletableFuture<>();

    SockJsClient() throws InterruptedException {
      this(new WebSocketClientOptions());
    }

    SockJsClient(WebSocketClientOptions options) throws InterruptedException {
      this(api, options);
    }

    /** A session with the bridge of {@code server}. */
    SockJsClient(TestApi server, WebSocketClientOptions options) throws InterruptedException {
      WebSocketClient client = api.vertx.createWebSocketClient(options);
      BlockingQueue<String> opened = new LinkedBlockingQueue<>();
      // connected from an event loop, so the connect callback (which sets the handler) runs there before the socket's
      // first frame can be read; registered from this thread, a connection completing first would have its open frame
      // read before the handler was set, and lost (seen once in CI). The bridge writes text or binary frames, both
      // carrying the same SockJS text
      Promise<WebSocket> connected = Promise.promise();
      api.vertx.runOnContext(v -> client.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(server.config.getInteger("http.port"))
          .setURI("/eventbus/000/" + UUID.randomUUID().toString().substring(0, 8) + "/websocket"))
        .onSuccess(ws -> ws.closeHandler(none -> closed.complete(ws.closeStatusCode())).handler(data -> {
          String text = data.toString();
          if (text.startsWith("a")) {
            new JsonArray(text.substring(1)).forEach(message -> frames.add(new JsonObject((String) message)));
          } else {
            opened.add(text);
          }
        }))
        .onComplete(connected));
      socket = await(connected.future());
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

    /** Waits (up to 10 s) for a frame that matches, left in {@link #frames}; fails saying what came instead. */
    JsonObject awaitFrame(java.util.function.Predicate<JsonObject> wanted, String what) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        java.util.Optional<JsonObject> found = frames.stream().filter(wanted).findFirst();
        if (found.isPresent()) {
          return found.get();
        }
        Thread.sleep(20);
      }
      throw new AssertionError(what + " within 10 s; frames so far: " + frames);
    }

    /** Waits for the event about {@code subject} on {@code address}; returns the event. */
    JsonObject awaitEvent(String address, String type, String subject) throws InterruptedException {
      return awaitFrame(frame -> "rec".equals(frame.getString("type")) && address.equals(frame.getString("address"))
        && type.equals(frame.getJsonObject("body").getString("type"))
        && subject.equals(frame.getJsonObject("body").getString("subject")),
        type + " of " + subject + " on " + address).getJsonObject("body");
    }

    /** The events received (on any address) about {@code subject}. */
    List<JsonObject> eventsAbout(String subject) {
      return frames.stream().filter(frame -> "rec".equals(frame.getString("type"))
        && subject.equals(frame.getJsonObject("body").getString("subject"))).toList();
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

  @Test
  @DisplayName("a socket of a revoked session is closed at once; the same user's other session keeps receiving")
  void revokedSession() throws Exception {
    Session carol = api.register();
    String laptop = loginToken(carol);
    String tasks = Addresses.tasksOf(carol.userId());
    try (SockJsClient revoked = new SockJsClient(); SockJsClient kept = new SockJsClient()) {
      revoked.register(tasks, laptop);
      kept.register(tasks, carol.token());
      Thread.sleep(300);
      assertThat(api.send(io.vertx.core.http.HttpMethod.POST, "/api/v1/auth/logout", laptop, null).statusCode())
        .isEqualTo(204);
      assertThat(revoked.closed.get(10, TimeUnit.SECONDS)).as("the revoked session's socket is closed").isNotNull();
      assertThat(revoked.frames).as("why, before the close").anyMatch(frame -> "err".equals(frame.getString("type"))
        && "session_revoked".equals(frame.getString("body")));
      api.vertx.eventBus().publish(tasks, new JsonObject().put("sequence", 3));
      assertThat(kept.receivedOn(tasks)).hasSize(1);
    }
    try (SockJsClient again = new SockJsClient()) {
      again.register(tasks, laptop);
      assertRefused(again.next());
    }
  }

  @Test
  @DisplayName("a register whose session check raced its revocation is refused: the bridge remembers revoked sessions")
  void registerRacingARevocation() throws Exception {
    Session dave = api.register();
    JsonObject signedIn = api.send(io.vertx.core.http.HttpMethod.POST, "/api/v1/auth/login", null, new JsonObject()
      .put("email", dave.email()).put("password", "correct horse battery staple")).bodyAsJsonObject();
    // the revocation as the bridge hears it, while the session row (the register's check) still says signed in:
    // what a register sees whose check ran just before the delete committed
    api.vertx.eventBus().publish(Addresses.SESSIONS_REVOKED, new JsonObject().put("userId", dave.userId().toString())
      .put("sessions", new io.vertx.core.json.JsonArray().add(signedIn.getString("sessionId"))));
    Thread.sleep(300);
    try (SockJsClient client = new SockJsClient()) {
      client.register(Addresses.tasksOf(dave.userId()), signedIn.getString("token"));
      assertThat(client.next().getString("body")).as("why").isEqualTo("session_revoked");
      assertRefused(client.next());
    }
  }

  private String loginToken(Session user) {
    return api.send(io.vertx.core.http.HttpMethod.POST, "/api/v1/auth/login", null, new JsonObject()
      .put("email", user.email()).put("password", "correct horse battery staple")).bodyAsJsonObject()
      .getString("token");
  }

  /** A SockJS frame (a JSON array of one string) whose string is {@code size} characters. */
  static String sockJsFrameOf(int size) {
    return "[\"" + "x".repeat(size) + "\"]";
  }

  /** Asserts the server closes the client's socket within a generous bound, and another user is answered meanwhile. */
  void assertClosedAndOthersServed(SockJsClient client) throws Exception {
    assertThat(api.get("/api/v1/me", bob).statusCode()).as("another user's request").isEqualTo(200);
    assertThat(client.closed.get(10, TimeUnit.SECONDS)).as("the close status").isNotNull();
  }

  @Test
  @DisplayName("a WebSocket frame over the limit closes the socket, and other users are served meanwhile")
  void oversizedFrame() throws Exception {
    try (SockJsClient client = new SockJsClient(new WebSocketClientOptions().setMaxFrameSize(64 * 1024 * 1024))) {
      client.socket.writeFrame(WebSocketFrame.textFrame(sockJsFrameOf(50 * 1024 * 1024), true));
      assertClosedAndOthersServed(client);
    }
  }

  @Test
  @DisplayName("a message over the limit, sent as small fragments, closes the socket")
  void oversizedMessage() throws Exception {
    // 128 KiB in 16 KiB fragments: each frame is small, the message is over the 64 KiB limit (under Vert.x's 256 KiB)
    try (SockJsClient client = new SockJsClient(new WebSocketClientOptions().setMaxFrameSize(16 * 1024))) {
      client.socket.writeTextMessage(sockJsFrameOf(128 * 1024));
      assertClosedAndOthersServed(client);
      assertThat(client.frames).as("nothing answered to the message").isEmpty();
    }
  }

  @Test
  @DisplayName("a register whose headers are not an object is answered with invalid_headers, and the socket goes on")
  void headersNotAnObject() throws Exception {
    try (SockJsClient client = new SockJsClient()) {
      String tasks = Addresses.tasksOf(ada.userId());
      client.send(new JsonObject().put("type", "register").put("address", tasks).put("headers", "x"));
      JsonObject explained = client.next();
      assertThat(explained.getString("type")).isEqualTo("err");
      assertThat(explained.getString("body")).isEqualTo("invalid_headers");
      assertThat(explained.getString("message")).contains("Authorization");
      assertRefused(client.next());
      client.register(tasks, ada.token());
      Thread.sleep(300);
      api.vertx.eventBus().publish(tasks, new JsonObject().put("sequence", 3));
      assertThat(client.receivedOn(tasks)).as("the same socket after the bad register").hasSize(1);
    }
  }

  /** The user's bridged sockets on this process, as the bridge counts them. */
  int socketsOf(Session user) {
    LocalMap<String, Integer> counts = api.vertx.sharedData().getLocalMap(LiveBridge.SOCKETS_MAP);
    Integer n = counts.get(user.userId().toString());
    return n == null ? 0 : n;
  }

  void waitForSockets(Session user, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (socketsOf(user) != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(socketsOf(user)).as("live sockets of " + user.email()).isEqualTo(expected);
  }

  @Test
  @DisplayName("a user has at most live.sockets.per.user sockets: the next register is refused with too_many_sockets "
    + "until one closes")
  void socketsPerUser() throws Exception {
    Session dora = api.register();
    String tasks = Addresses.tasksOf(dora.userId());
    List<SockJsClient> open = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < SOCKETS_PER_USER; i++) {
        SockJsClient client = new SockJsClient();
        open.add(client);
        client.register(tasks, dora.token());
        // a second register on the same socket counts no second socket
        client.register(Addresses.notificationsOf(dora.userId()), dora.token());
      }
      waitForSockets(dora, SOCKETS_PER_USER);
      try (SockJsClient extra = new SockJsClient()) {
        extra.register(tasks, dora.token());
        JsonObject explained = extra.next();
        assertThat(explained.getString("body")).isEqualTo("too_many_sockets");
        assertThat(explained.getString("message")).contains(Integer.toString(SOCKETS_PER_USER));
        assertRefused(extra.next());
        // another user is not affected
        extra.register(Addresses.tasksOf(bob.userId()), bob.token());
        Thread.sleep(300);
        api.vertx.eventBus().publish(tasks, new JsonObject().put("sequence", 1));
        for (SockJsClient client : open) {
          assertThat(client.receivedOn(tasks)).hasSize(1);
        }
        assertThat(extra.receivedOn(tasks)).isEmpty();
      }
      open.remove(0).close();
      waitForSockets(dora, SOCKETS_PER_USER - 1);
      try (SockJsClient again = new SockJsClient()) {
        again.register(tasks, dora.token());
        Thread.sleep(300);
        api.vertx.eventBus().publish(tasks, new JsonObject().put("sequence", 2));
        assertThat(again.receivedOn(tasks)).as("a socket once one closed").hasSize(1);
        assertThat(again.frames).noneMatch(frame -> "err".equals(frame.getString("type")));
      }
    } finally {
      open.forEach(SockJsClient::close);
    }
  }

  /** A websocket client frame, masked with a zero key (the payload goes as it is). */
  static Buffer maskedTextFrame(String text) {
    byte[] payload = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Buffer frame = Buffer.buffer().appendByte((byte) 0x81);
    if (payload.length < 126) {
      frame.appendByte((byte) (0x80 | payload.length));
    } else {
      frame.appendByte((byte) (0x80 | 126)).appendUnsignedShort(payload.length);
    }
    return frame.appendInt(0).appendBytes(payload);
  }

  @Test
  @DisplayName("a socket whose client sends nothing for live.idle.timeout.seconds is closed and released, one that "
    + "pings stays open, and the bridge's own idle check throws nothing")
  void idleSockets() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    // a second API process on the same database, whose bridge gives up on a quiet socket after 2 s
    TestApi quick = new TestApi(db, new JsonObject().put("http.port", port).put("live.idle.timeout.seconds", 2));
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    Session fay = api.register();
    String tasks = Addresses.tasksOf(fay.userId());
    LocalMap<String, Integer> counts = quick.vertx.sharedData().getLocalMap(LiveBridge.SOCKETS_MAP);
    try (SockJsClient quiet = new SockJsClient(quick, new WebSocketClientOptions());
         SockJsClient pinging = new SockJsClient(quick, new WebSocketClientOptions())) {
      quiet.register(tasks, fay.token());
      pinging.register(tasks, fay.token());
      long start = System.nanoTime();
      while (!quiet.closed.isDone() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8)) {
        pinging.send(new JsonObject().put("type", "ping"));
        Thread.sleep(500);
      }
      assertThat(quiet.closed).as("the quiet socket, closed within 8 s").isDone();
      long closedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(closedAfter).as("not before the idle timeout").isGreaterThanOrEqualTo(2000);
      // past the bridge's own ping timeout (10 s by default), which a BridgeSocket made throw
      while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(11)) {
        pinging.send(new JsonObject().put("type", "ping"));
        Thread.sleep(500);
      }
      assertThat(pinging.closed).as("the socket that pings every 500 ms").isNotDone();
      quick.vertx.eventBus().publish(tasks, new JsonObject().put("sequence", 1));
      assertThat(pinging.receivedOn(tasks)).as("the pinging socket still delivers").hasSize(1);
      assertThat(counts.get(fay.userId().toString())).as("the quiet socket released").isEqualTo(1);
    } finally {
      root.detachAppender(logged);
      quick.close();
    }
    assertThat(logged.list).as("errors logged").noneMatch(event -> event.getLevel().isGreaterOrEqual(Level.ERROR));
    assertThat(logged.list).anySatisfy(event -> assertThat(event.getFormattedMessage())
      .contains("socket of user " + fay.userId()).contains("closed, nothing heard from it for"));
  }

  @Test
  @DisplayName("a tab that goes away, with or without a close frame, logs no error, and its socket is released")
  void ordinaryDisconnects() throws Exception {
    Session erin = api.register();
    String tasks = Addresses.tasksOf(erin.userId());
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    root.addAppender(logged);
    try {
      // a close frame, as a browser sends when a tab is closed
      try (SockJsClient client = new SockJsClient()) {
        client.register(tasks, erin.token());
        waitForSockets(erin, 1);
      }
      waitForSockets(erin, 0);
      // no close frame: the connection just drops (a laptop lid shut, a network change)
      NetSocket raw = await(api.vertx.createNetClient().connect(api.config.getInteger("http.port"), "127.0.0.1"));
      BlockingQueue<String> received = new LinkedBlockingQueue<>();
      raw.handler(data -> received.add(data.toString()));
      await(raw.write("GET /eventbus/000/" + UUID.randomUUID().toString().substring(0, 8) + "/websocket HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
      assertThat(received.poll(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 101");
      JsonObject register = new JsonObject().put("type", "register").put("address", tasks)
        .put("headers", new JsonObject().put("Authorization", "Bearer " + erin.token()));
      await(raw.write(maskedTextFrame(new JsonArray().add(register.encode()).encode())));
      waitForSockets(erin, 1);
      await(raw.close());
      waitForSockets(erin, 0);
      Thread.sleep(200);
    } finally {
      root.detachAppender(logged);
    }
    assertThat(logged.list).filteredOn(event -> event.getLevel().isGreaterOrEqual(Level.ERROR))
      .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }

  /** A client of its own without keep-alive: a SockJS polling response closes its connection when it ends. */
  HttpResponse<Buffer> xhr(String session, String transport, String body) {
    WebClient client = WebClient.create(api.vertx, new WebClientOptions().setKeepAlive(false)
      .setDefaultHost("127.0.0.1").setDefaultPort(api.config.getInteger("http.port")));
    try {
      var request = client.request(HttpMethod.POST, "/eventbus/000/" + session + "/" + transport)
        .putHeader("Content-Type", "text/plain");
      return await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
    } finally {
      client.close();
    }
  }

  @Test
  @DisplayName("the XHR fallback transport works: xhr opens, xhr_send is a 204, xhr polls the answer")
  void xhrTransport() {
    String session = UUID.randomUUID().toString().substring(0, 8);
    assertThat(xhr(session, "xhr", null).bodyAsString()).isEqualTo("o\n");
    JsonObject register = new JsonObject().put("type", "register").put("address", Addresses.tasksOf(ada.userId()));
    HttpResponse<Buffer> sent = xhr(session, "xhr_send", new JsonArray().add(register.encode()).encode());
    assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(204);
    String polled = xhr(session, "xhr", null).bodyAsString();
    assertThat(polled).startsWith("a[");
    assertRefused(new JsonObject(new JsonArray(polled.substring(1).trim()).getString(0)));
  }

  @Test
  @DisplayName("an xhr_send body over the limit is a 413, not a 500, on a connection then closed, and the server goes "
    + "on")
  void oversizedXhrSend() {
    String session = UUID.randomUUID().toString().substring(0, 8);
    assertThat(xhr(session, "xhr", null).bodyAsString()).isEqualTo("o\n");
    // on a keep-alive connection: the server closes it rather than read the rest of the body
    HttpResponse<Buffer> sent = await(api.client.post("/eventbus/000/" + session + "/xhr_send")
      .putHeader("Content-Type", "text/plain").sendBuffer(Buffer.buffer(sockJsFrameOf(1024 * 1024))));
    assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(413);
    assertThat(sent.getHeader("Connection")).as("the Connection header of the 413").isEqualToIgnoringCase("close");
    assertThat(api.get("/api/v1/me", bob).statusCode()).isEqualTo(200);
  }

  // -- projects: tasks.project.<id>, followed by the project's members

  /** A project of {@code owner}'s account, made with SQL (the projects API has its own tests), owner a member. */
  UUID project(Session owner, String name) {
    UUID id = UUID.randomUUID();
    api.query("INSERT INTO projects (id, user_id, name) VALUES ($1, $2, $3)", id, owner.userId(), name);
    member(id, owner, "owner");
    return id;
  }

  void member(UUID project, Session user, String role) {
    api.query("INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, $3)", project, user.userId(),
      role);
  }

  /** Removes the member's row, then publishes what the projects API publishes after such a commit. */
  void revokeAccess(UUID project, Session user) {
    api.query("DELETE FROM project_members WHERE project_id = $1 AND user_id = $2", project, user.userId());
    publishRevoked(project, user);
  }

  void publishRevoked(UUID project, Session user) {
    api.vertx.eventBus().publish(Addresses.PROJECTS_ACCESS_REVOKED, new JsonObject()
      .put("projectId", project.toString()).put("userIds", new JsonArray().add(user.userId().toString())));
  }

  JsonObject taskIn(Session session, UUID project, String title) {
    return api.createTask(session, new JsonObject().put("title", title).put("projectId", project.toString()));
  }

  /** An event written as the services write theirs: into the outbox under {@code account}, relayed from there. */
  dev.taskflow.core.event.TaskflowEvent append(Session account, String type, String subject, JsonObject data) {
    return await(api.sql.withTransaction(tx -> new dev.taskflow.core.outbox.OutboxWriter("test")
      .append(tx, account.userId(), type, subject, null, data)));
  }

  /** A register's refusal, with or without an explanation first; the frames before it are skipped. */
  static void assertRegisterRefused(SockJsClient client) throws InterruptedException {
    JsonObject refusal = client.awaitFrame(frame -> "err".equals(frame.getString("type"))
      && List.of("access_denied", "rejected").contains(frame.getString("body")), "the refusal");
    assertRefused(refusal);
  }

  @Test
  @DisplayName("a project's member follows tasks.project.<id>: the account's task changes there reach them, and "
    + "their own")
  void memberFollowsProject() throws Exception {
    UUID trip = project(ada, "Trip");
    member(trip, bob, "editor");
    String tripAddress = Addresses.tasksOfProject(trip);
    try (SockJsClient bobs = new SockJsClient(); SockJsClient adas = new SockJsClient()) {
      bobs.register(tripAddress, bob.token());
      bobs.register(Addresses.tasksOf(bob.userId()), bob.token());
      adas.register(Addresses.tasksOf(ada.userId()), ada.token());
      Thread.sleep(300);
      JsonObject inbox = api.createTask(ada, "Ada's own");
      JsonObject byAda = taskIn(ada, trip, "Book the ferry");
      JsonObject byBob = taskIn(bob, trip, "Pack");
      JsonObject created = bobs.awaitEvent(tripAddress, "taskflow.task.created", byAda.getString("id"));
      assertThat(created.getString("userid")).as("written under the account").isEqualTo(ada.userId().toString());
      assertThat(created.getJsonObject("data").getJsonObject("task").getString("projectId"))
        .isEqualTo(trip.toString());
      JsonObject own = bobs.awaitEvent(tripAddress, "taskflow.task.created", byBob.getString("id"));
      assertThat(own.getJsonObject("data").getString("actorId")).isEqualTo(bob.userId().toString());
      // the account still gets every event on its user address, the shared project's included
      adas.awaitEvent(Addresses.tasksOf(ada.userId()), "taskflow.task.created", byBob.getString("id"));
      adas.awaitEvent(Addresses.tasksOf(ada.userId()), "taskflow.task.created", inbox.getString("id"));
      // ada's Inbox task came before both, in her one ordered stream: had it reached bob, it would be here by now
      assertThat(bobs.eventsAbout(inbox.getString("id"))).as("ada's Inbox task at bob's").isEmpty();
      assertThat(bobs.frames).noneMatch(frame -> "err".equals(frame.getString("type")));
    }
  }

  @Test
  @DisplayName("a register on a project's address is refused to a non-member, and on a malformed project address")
  void nonMemberRefused() throws Exception {
    UUID trip = project(ada, "Trip");
    String tripAddress = Addresses.tasksOfProject(trip);
    for (String address : List.of(tripAddress, "tasks.project.not-a-uuid", "tasks.project." + trip + ".x",
      "tasks.project." + trip.toString().toUpperCase())) {
      try (SockJsClient client = new SockJsClient()) {
        client.register(address, bob.token());
        assertRefused(client.next());
        api.vertx.eventBus().publish(address, new JsonObject().put("sequence", 5));
        assertThat(client.receivedOn(address)).as("on %s", address).isEmpty();
      }
    }
    // the account's Inbox is a project too, of one member
    UUID adasInbox = api.query("SELECT id FROM projects WHERE user_id = $1 AND inbox", ada.userId()).iterator().next()
      .getUUID(0);
    try (SockJsClient client = new SockJsClient()) {
      client.register(Addresses.tasksOfProject(adasInbox), bob.token());
      assertRefused(client.next());
      JsonObject task = api.createTask(ada, "Not for bob");
      Thread.sleep(1_000);
      assertThat(client.eventsAbout(task.getString("id"))).isEmpty();
    }
    try (SockJsClient client = new SockJsClient()) {
      client.register(Addresses.tasksOfProject(adasInbox), ada.token());
      JsonObject task = api.createTask(ada, "For ada");
      client.awaitEvent(Addresses.tasksOfProject(adasInbox), "taskflow.task.created", task.getString("id"));
    }
  }

  @Test
  @DisplayName("a reminder event is its setter's own: it never goes on the project's address")
  void remindersStayTheSetters() throws Exception {
    UUID trip = project(ada, "Trip");
    member(trip, bob, "editor");
    String tripAddress = Addresses.tasksOfProject(trip);
    JsonObject task = taskIn(ada, trip, "Visa");
    JsonObject data = new JsonObject().put("task", task).put("reminder", new JsonObject().put("id",
      UUID.randomUUID().toString()));
    try (SockJsClient bobs = new SockJsClient(); SockJsClient adas = new SockJsClient()) {
      bobs.register(tripAddress, bob.token());
      adas.register(Addresses.tasksOf(ada.userId()), ada.token());
      Thread.sleep(300);
      // as the notifier writes it (under its setter, on the reminders topic) ...
      append(ada, dev.taskflow.core.event.EventTypes.REMINDER_TRIGGERED, task.getString("id"), data);
      // ... and should one ever come on task-events
      dev.taskflow.core.event.TaskflowEvent stray = dev.taskflow.core.event.TaskflowEvent.create("test",
        dev.taskflow.core.event.EventTypes.REMINDER_TRIGGERED, task.getString("id"), ada.userId(), 0, null, data);
      api.vertx.eventBus().publish(dev.taskflow.core.eventbus.EventBusTransport.address(
        dev.taskflow.core.event.Topics.TASK_EVENTS), stray.toJson());
      adas.awaitEvent(Addresses.tasksOf(ada.userId()), dev.taskflow.core.event.EventTypes.REMINDER_TRIGGERED,
        task.getString("id"));
      // a later change of the task, after both in ada's stream, reaches bob; the reminder does not
      api.send(HttpMethod.POST, "/api/v1/tasks/" + task.getString("id") + "/complete", ada.token(), null);
      bobs.awaitEvent(tripAddress, "taskflow.task.completed", task.getString("id"));
      assertThat(bobs.eventsAbout(task.getString("id"))).extracting(frame -> frame.getJsonObject("body")
        .getString("type")).doesNotContain(dev.taskflow.core.event.EventTypes.REMINDER_TRIGGERED);
    }
  }

  @Test
  @DisplayName("a removed member's sockets on the project are closed with project_access_revoked; their others go "
    + "on, and a register again is refused")
  void accessRevoked() throws Exception {
    UUID trip = project(ada, "Trip");
    member(trip, bob, "editor");
    String tripAddress = Addresses.tasksOfProject(trip);
    String bobsOwn = Addresses.tasksOf(bob.userId());
    try (SockJsClient following = new SockJsClient(); SockJsClient other = new SockJsClient();
         SockJsClient adas = new SockJsClient()) {
      following.register(tripAddress, bob.token());
      other.register(bobsOwn, bob.token());
      adas.register(tripAddress, ada.token());
      JsonObject task = taskIn(ada, trip, "Before");
      following.awaitEvent(tripAddress, "taskflow.task.created", task.getString("id"));
      revokeAccess(trip, bob);
      JsonObject explained = following.awaitFrame(frame -> "err".equals(frame.getString("type")), "the err frame");
      assertThat(explained.getString("body")).isEqualTo("project_access_revoked");
      assertThat(explained.getString("message")).contains("no longer a member");
      assertThat(following.closed.get(10, TimeUnit.SECONDS)).as("the socket on the project is closed").isNotNull();
      api.vertx.eventBus().publish(bobsOwn, new JsonObject().put("sequence", 3));
      assertThat(other.receivedOn(bobsOwn)).as("bob's socket not on the project").hasSize(1);
      JsonObject after = taskIn(ada, trip, "After");
      adas.awaitEvent(tripAddress, "taskflow.task.created", after.getString("id"));
      assertThat(adas.closed).as("the owner's socket on the project").isNotDone();
    }
    try (SockJsClient again = new SockJsClient()) {
      again.register(tripAddress, bob.token());
      assertRegisterRefused(again);
    }
  }

  @Test
  @DisplayName("a removal or deletion heard only as its event still cuts the member off: the event, then "
    + "project_access_revoked and the close; the account's own socket stays")
  void accessLostByItsEvent() throws Exception {
    UUID trip = project(ada, "Trip");
    UUID camp = project(ada, "Camp");
    member(trip, bob, "editor");
    member(camp, bob, "viewer");
    String tripAddress = Addresses.tasksOfProject(trip);
    String campAddress = Addresses.tasksOfProject(camp);
    JsonObject tripJson = new JsonObject().put("id", trip.toString()).put("name", "Trip").put("inbox", false)
      .put("ownerId", ada.userId().toString());
    try (SockJsClient onTrip = new SockJsClient(); SockJsClient onCamp = new SockJsClient();
         SockJsClient adas = new SockJsClient()) {
      onTrip.register(tripAddress, bob.token());
      onCamp.register(campAddress, bob.token());
      adas.register(tripAddress, ada.token());
      adas.register(campAddress, ada.token());
      Thread.sleep(300);
      // no projects.access.revoked is published: only the events tell
      api.query("DELETE FROM project_members WHERE project_id = $1 AND user_id = $2", trip, bob.userId());
      append(ada, dev.taskflow.core.event.EventTypes.PROJECT_MEMBER_REMOVED, trip.toString(), new JsonObject()
        .put("project", tripJson).put("actorId", ada.userId().toString())
        .put("member", new JsonObject().put("userId", bob.userId().toString()).put("role", "editor")));
      onTrip.awaitEvent(tripAddress, dev.taskflow.core.event.EventTypes.PROJECT_MEMBER_REMOVED, trip.toString());
      JsonObject explained = onTrip.awaitFrame(frame -> "err".equals(frame.getString("type")), "the err frame");
      assertThat(explained.getString("body")).isEqualTo("project_access_revoked");
      assertThat(onTrip.closed.get(10, TimeUnit.SECONDS)).as("bob's socket on the project").isNotNull();
      assertThat(onCamp.closed).as("bob's socket on another project").isNotDone();

      api.query("DELETE FROM project_members WHERE project_id = $1", camp);
      append(ada, dev.taskflow.core.event.EventTypes.PROJECT_DELETED, camp.toString(), new JsonObject()
        .put("project", tripJson.copy().put("id", camp.toString()).put("name", "Camp"))
        .put("actorId", ada.userId().toString())
        .put("memberIds", new JsonArray().add(ada.userId().toString()).add(bob.userId().toString())));
      onCamp.awaitEvent(campAddress, dev.taskflow.core.event.EventTypes.PROJECT_DELETED, camp.toString());
      assertThat(onCamp.closed.get(10, TimeUnit.SECONDS)).as("bob's socket on the deleted project").isNotNull();
      adas.awaitEvent(campAddress, dev.taskflow.core.event.EventTypes.PROJECT_DELETED, camp.toString());
      assertThat(adas.closed).as("the account's socket").isNotDone();
      assertThat(adas.frames).noneMatch(frame -> "err".equals(frame.getString("type")));
    }
    // the removal is remembered as its message's would be: a check that read the row from before it is refused
    api.query("INSERT INTO project_members (project_id, user_id, role, added_at) VALUES ($1, $2, 'editor', "
      + "now() - interval '1 hour')", trip, bob.userId());
    try (SockJsClient again = new SockJsClient()) {
      again.register(tripAddress, bob.token());
      assertThat(again.next().getString("body")).as("why").isEqualTo("project_access_revoked");
      assertRefused(again.next());
    }
  }

  @Test
  @DisplayName("a removal older than the membership a socket follows by (delivered late or again after a re-add) "
    + "closes nothing")
  void staleRemovalEvent() throws Exception {
    UUID trip = project(ada, "Trip");
    // added back by an event far after the removal below, as a re-add after it would be
    api.query("INSERT INTO project_members (project_id, user_id, role, added_seq) VALUES ($1, $2, 'editor', "
      + "1000000)", trip, bob.userId());
    String tripAddress = Addresses.tasksOfProject(trip);
    try (SockJsClient onTrip = new SockJsClient()) {
      onTrip.register(tripAddress, bob.token());
      Thread.sleep(300);
      append(ada, dev.taskflow.core.event.EventTypes.PROJECT_MEMBER_REMOVED, trip.toString(), new JsonObject()
        .put("project", new JsonObject().put("id", trip.toString()).put("name", "Trip").put("inbox", false)
          .put("ownerId", ada.userId().toString()))
        .put("actorId", ada.userId().toString())
        .put("member", new JsonObject().put("userId", bob.userId().toString()).put("role", "editor")));
      onTrip.awaitEvent(tripAddress, dev.taskflow.core.event.EventTypes.PROJECT_MEMBER_REMOVED, trip.toString());
      JsonObject task = taskIn(ada, trip, "Still in");
      onTrip.awaitEvent(tripAddress, "taskflow.task.created", task.getString("id"));
      assertThat(onTrip.frames).noneMatch(frame -> "err".equals(frame.getString("type")));
      assertThat(onTrip.closed).isNotDone();
    }
  }

  @Test
  @DisplayName("a register whose membership check raced the revocation is refused; a member re-added since is not")
  void registerRacingAccessRevocation() throws Exception {
    UUID trip = project(ada, "Trip");
    member(trip, bob, "editor");
    String tripAddress = Addresses.tasksOfProject(trip);
    // the revocation as the bridge hears it while the membership row still reads as before the removal committed
    publishRevoked(trip, bob);
    Thread.sleep(300);
    try (SockJsClient client = new SockJsClient()) {
      client.register(tripAddress, bob.token());
      assertThat(client.next().getString("body")).as("why").isEqualTo("project_access_revoked");
      assertRefused(client.next());
    }
    api.query("DELETE FROM project_members WHERE project_id = $1 AND user_id = $2", trip, bob.userId());
    member(trip, bob, "viewer");
    try (SockJsClient client = new SockJsClient()) {
      client.register(tripAddress, bob.token());
      JsonObject task = taskIn(ada, trip, "Welcome back");
      client.awaitEvent(tripAddress, "taskflow.task.created", task.getString("id"));
      assertThat(client.frames).noneMatch(frame -> "err".equals(frame.getString("type")));
    }
  }

  @Test
  @DisplayName("member.added and member.removed reach the member's own tasks.user address, and the project's")
  void memberEventsReachTheMember() throws Exception {
    Session cleo = api.register();
    UUID trip = project(ada, "Trip");
    String tripAddress = Addresses.tasksOfProject(trip);
    String cleosOwn = Addresses.tasksOf(cleo.userId());
    JsonObject project = new JsonObject().put("id", trip.toString()).put("name", "Trip").put("inbox", false)
      .put("ownerId", ada.userId().toString());
    try (SockJsClient cleos = new SockJsClient(); SockJsClient adas = new SockJsClient()) {
      cleos.register(cleosOwn, cleo.token());
      adas.register(tripAddress, ada.token());
      adas.register(Addresses.tasksOf(ada.userId()), ada.token());
      Thread.sleep(300);
      member(trip, cleo, "viewer");
      JsonObject added = new JsonObject().put("project", project).put("actorId", ada.userId().toString())
        .put("member", new JsonObject().put("userId", cleo.userId().toString()).put("role", "viewer"));
      append(ada, dev.taskflow.core.event.EventTypes.PROJECT_MEMBER_ADDED, trip.toString(), added);
      JsonObject heard = cleos.awaitEvent(cleosOwn, dev.taskflow.core.event.EventTypes.PROJECT_MEMBER_ADDED,
        trip.toString());
      assertThat(heard.getString("userid")).as("the account's event").isEqualTo(ada.userId().toString());
      adas.awaitEvent(tripAddress, dev.taskflow.core.event.EventTypes.PROJECT_MEMBER_ADDED, trip.toString());
      adas.awaitEvent(Addresses.tasksOf(ada.userId()), dev.taskflow.core.event.EventTypes.PROJECT_MEMBER_ADDED,
        trip.toString());
      // the project's own events (not about a member) stay on the project's and the account's addresses
      append(ada, dev.taskflow.core.event.EventTypes.PROJECT_UPDATED, trip.toString(), new JsonObject()
        .put("project", project.copy().put("name", "Trip 2")).put("actorId", ada.userId().toString()));
      adas.awaitEvent(tripAddress, dev.taskflow.core.event.EventTypes.PROJECT_UPDATED, trip.toString());
      append(ada, dev.taskflow.core.event.EventTypes.PROJECT_MEMBER_REMOVED, trip.toString(), added);
      cleos.awaitEvent(cleosOwn, dev.taskflow.core.event.EventTypes.PROJECT_MEMBER_REMOVED, trip.toString());
      assertThat(cleos.eventsAbout(trip.toString())).extracting(frame -> frame.getJsonObject("body").getString("type"))
        .as("cleo's own address: only the events about her membership")
        .containsExactly(dev.taskflow.core.event.EventTypes.PROJECT_MEMBER_ADDED,
          dev.taskflow.core.event.EventTypes.PROJECT_MEMBER_REMOVED);
      // the account hears its own member event once, on its address, not twice
      assertThat(adas.eventsAbout(trip.toString())).filteredOn(frame -> frame.getString("address")
        .equals(Addresses.tasksOf(ada.userId()))).hasSize(3);
    }
  }
}
