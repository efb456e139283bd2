package dev.taskflow.api.live;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SockJS socket as the bridge sees it: the same socket, except for what it reports as an exception. The bridge
 * (Vert.x's {@code EventBusBridgeImpl}) logs every socket exception at ERROR with its stack trace, a tab that went away
 * without a close frame included ({@link HttpClosedException}), so every ordinary disconnect looked like a failure.
 * Here a closed connection is a debug line; anything else (a frame or message over the size limit, a protocol
 * violation) is one warning naming the client, and the socket is closed. Either way the socket's end handler still
 * runs (the transport shuts the session down before it reports the exception), so the bridge unregisters the
 * socket's consumers as on any close.
 *
 * <p>It also remembers the transport's context (the one the socket was handed over on), for
 * {@link #writeThenClose}: a SockJS write from any other context (an event-bus consumer's, such as a revocation's) is
 * only queued for the transport's context, and a close before that runs drops it, so the frame that says why a socket
 * is closed would never reach the client.
 */
final class BridgeSocket implements SockJSSocket {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeSocket.class);

  private final SockJSSocket socket;
  private final Context transport;

  BridgeSocket(SockJSSocket socket) {
    this.socket = socket;
    this.transport = Vertx.currentContext();
    socket.exceptionHandler(this::onException);
  }

  /** Writes {@code last}, then closes the socket, on the transport's context so that the frame is sent first. */
  void writeThenClose(Buffer last) {
    if (transport == null || Vertx.currentContext() == transport) {
      socket.write(last);
      socket.close();
    } else {
      transport.runOnContext(v -> writeThenClose(last));
    }
  }

  private void onException(Throwable e) {
    if (e instanceof HttpClosedException) {
      LOG.debug("Bridge socket from {} went away: {}", socket.remoteAddress(), e.toString());
      return;
    }
    LOG.warn("Bridge socket from {} closed: {}", socket.remoteAddress(), e.toString());
    socket.close();
  }

  /** The bridge's own handler is not installed: see the class comment. */
  @Override
  public SockJSSocket exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public SockJSSocket handler(Handler<Buffer> handler) {
    socket.handler(handler);
    return this;
  }

  @Override
  public SockJSSocket pause() {
    socket.pause();
    return this;
  }

  @Override
  public SockJSSocket resume() {
    socket.resume();
    return this;
  }

  @Override
  public SockJSSocket fetch(long amount) {
    socket.fetch(amount);
    return this;
  }

  @Override
  public SockJSSocket endHandler(Handler<Void> handler) {
    socket.endHandler(handler);
    return this;
  }

  @Override
  public SockJSSocket closeHandler(Handler<Void> handler) {
    socket.closeHandler(handler);
    return this;
  }

  @Override
  public Future<Void> write(Buffer data) {
    return socket.write(data);
  }

  @Override
  public SockJSSocket setWriteQueueMaxSize(int maxSize) {
    socket.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public SockJSSocket drainHandler(Handler<Void> handler) {
    socket.drainHandler(handler);
    return this;
  }

  @Override
  public String writeHandlerID() {
    return socket.writeHandlerID();
  }

  @Override
  public Future<Void> end() {
    return socket.end();
  }

  @Override
  public void close() {
    socket.close();
  }

  @Override
  public void close(int statusCode, String reason) {
    socket.close(statusCode, reason);
  }

  @Override
  public SocketAddress remoteAddress() {
    return socket.remoteAddress();
  }

  @Override
  public SocketAddress localAddress() {
    return socket.localAddress();
  }

  @Override
  public MultiMap headers() {
    return socket.headers();
  }

  @Override
  public String uri() {
    return socket.uri();
  }

  @Override
  public RoutingContext routingContext() {
    return socket.routingContext();
  }

  @Override
  public Session webSession() {
    return socket.webSession();
  }

  @Override
  public User webUser() {
    return socket.webUser();
  }
}
