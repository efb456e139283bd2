package dev.taskflow.api.testing;

import dev.taskflow.api.TestApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a server (the test's PostgreSQL) that a test can cut, as an outage would: {@link #cut()}
 * closes every open connection and stops listening, so new ones are refused; {@link #restore()} listens on the same
 * port again. Runs on a Vert.x instance of its own.
 */
public final class CuttableProxy implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private NetServer server;

  public CuttableProxy(String targetHost, int targetPort, int port) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.port = port;
    this.client = vertx.createNetClient();
    restore();
  }

  public int port() {
    return port;
  }

  /** Accepts and forwards connections again. */
  public void restore() {
    server = vertx.createNetServer().connectHandler(this::forward);
    TestApi.await(server.listen(port, "127.0.0.1"));
  }

  /** Refuses new connections and drops the open ones. */
  public void cut() {
    TestApi.await(server.close());
    open.forEach(NetSocket::close);
    open.clear();
  }

  private void forward(NetSocket downstream) {
    downstream.pause();
    open.add(downstream);
    client.connect(targetPort, targetHost)
      .onSuccess(upstream -> {
        open.add(upstream);
        downstream.closeHandler(v -> upstream.close());
        upstream.closeHandler(v -> downstream.close());
        downstream.handler(upstream::write);
        upstream.handler(downstream::write);
        downstream.resume();
      })
      .onFailure(e -> downstream.close());
  }

  @Override
  public void close() {
    TestApi.await(vertx.close().map((Void) null).recover(e -> Future.succeededFuture()));
  }
}
