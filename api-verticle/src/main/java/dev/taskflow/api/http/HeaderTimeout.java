package dev.taskflow.api.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Closes a connection whose first request line and headers have not all arrived within {@code timeoutMs} of the
 * connection opening (Vert.x has an idle timeout, which a client that sends one byte every few seconds never trips, but
 * no header timeout). The request handler sees a request once its headers are complete, so that is when the clock
 * stops. Later requests on a kept-alive connection, and bodies, have the idle timeout and the body limit only (the
 * response's end handler, where the clock could start again, belongs to Vert.x Web). Needs the server's cleartext
 * HTTP/2 upgrade off: with it on, Vert.x creates the connection (and calls the connection handler) only once it has
 * read enough to tell HTTP/1 from HTTP/2.
 *
 * <p>State of one verticle instance's server, used on its event loop only.
 */
public final class HeaderTimeout {

  private static final Logger LOG = LoggerFactory.getLogger(HeaderTimeout.class);

  private final Vertx vertx;
  private final long timeoutMs;
  private final Map<HttpConnection, Long> waiting = new IdentityHashMap<>();

  public HeaderTimeout(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  /** For {@code HttpServer.connectionHandler}: the clock starts when the connection opens. */
  public void connected(HttpConnection connection) {
    connection.closeHandler(v -> disarm(connection));
    arm(connection);
  }

  /** Wraps the request handler: the clock stops when a request's headers are complete. */
  public Handler<HttpServerRequest> around(Handler<HttpServerRequest> requests) {
    return request -> {
      disarm(request.connection());
      requests.handle(request);
    };
  }

  private void arm(HttpConnection connection) {
    waiting.put(connection, vertx.setTimer(timeoutMs, id -> {
      waiting.remove(connection);
      LOG.debug("Closing the connection from {}: no complete request headers within {} ms",
        connection.remoteAddress(), timeoutMs);
      connection.close();
    }));
  }

  private void disarm(HttpConnection connection) {
    Long timer = waiting.remove(connection);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }
}
