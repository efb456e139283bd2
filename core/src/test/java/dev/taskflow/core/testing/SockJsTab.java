package dev.taskflow.core.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A browser tab's view of the live bridge, without a browser: a SockJS session over a plain WebSocket to
 * {@code /eventbus}, registered on the user's {@code tasks.user.<id>} and {@code notifications.user.<id>} with the
 * token in the register frames' headers, as {@code vertx-eventbus.js} does. Keeps every message it receives.
 */
public final class SockJsTab implements WebSocket.Listener, AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Queue<JsonObject> received = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Void> opened = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private WebSocket socket;
  private String token;

  private SockJsTab() {
  }

  /** Opens a session to {@code host:port} and registers on the user's two addresses. */
  public static SockJsTab open(String host, int port, String token, String userId) throws Exception {
    SockJsTab tab = new SockJsTab();
    URI uri = URI.create("ws://" + host + ":" + port + "/eventbus/000/" + UUID.randomUUID().toString().substring(0, 8)
      + "/websocket");
    tab.socket = HTTP.newWebSocketBuilder().buildAsync(uri, tab).get(10, TimeUnit.SECONDS);
    tab.opened.get(10, TimeUnit.SECONDS);
    tab.token = token;
    for (String address : List.of("tasks.user." + userId, "notifications.user." + userId)) {
      tab.register(address);
    }
    return tab;
  }

  /** Registers on one more address (a project's, {@code tasks.project.<id>}) with the tab's token. */
  public void register(String address) throws Exception {
    JsonObject register = new JsonObject().put("type", "register").put("address", address)
      .put("headers", new JsonObject().put("Authorization", "Bearer " + token));
    socket.sendText(new JsonArray().add(register.encode()).encode(), true).get(10, TimeUnit.SECONDS);
  }

  /** The {@code err} frames received (refused registers, a revocation), in order. */
  public List<JsonObject> errors() {
    return received.stream().filter(frame -> "err".equals(frame.getString("type"))).toList();
  }

  /** Whether the server closed the session (a SockJS close frame or the WebSocket's end). */
  public boolean closed() {
    return closed.isDone();
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(null);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(null);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    return frame(webSocket, data, last);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    return frame(webSocket, StandardCharsets.UTF_8.decode(data), last);
  }

  /** SockJS: {@code o} opens, {@code h} is a heartbeat, {@code a[...]} carries messages, each a JSON text. */
  private CompletionStage<?> frame(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String text = partial.toString();
      partial.setLength(0);
      if (text.equals("o")) {
        opened.complete(null);
      } else if (text.startsWith("c")) {
        closed.complete(null);
      } else if (text.startsWith("a")) {
        new JsonArray(text.substring(1)).forEach(message -> received.add(new JsonObject((String) message)));
      }
    }
    webSocket.request(1);
    return null;
  }

  /** The messages received on an address, those about one task ({@code subject}) when one is given. */
  public List<JsonObject> on(String address, String subject) {
    return received.stream().filter(frame -> "rec".equals(frame.getString("type"))
        && address.equals(frame.getString("address"))
        && (subject == null || subject.equals(frame.getJsonObject("body").getString("subject"))))
      .toList();
  }

  /** The event types about a task, in the order received, each once (a redelivery may publish one again). */
  public List<String> types(String address, String subject) {
    return on(address, subject).stream().map(frame -> frame.getJsonObject("body").getString("type")).distinct()
      .toList();
  }

  /** Waits (up to 60 s) for {@code messages} messages on the address; fails saying what arrived instead. */
  public void await(String address, String subject, int messages) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (on(address, subject).size() < messages) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(messages + " message(s) on " + address + " within 60 s; frames so far: " + received);
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() throws Exception {
    if (!closed.isDone() && !socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    }
  }
}
