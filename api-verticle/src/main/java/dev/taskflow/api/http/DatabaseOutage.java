package dev.taskflow.api.http;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * What one API verticle instance knows of a database outage, so that it is logged once, not once per request: a WARN
 * with the cause (one line, no stack) when the first request is refused for it, and an INFO with how long it lasted and
 * how many requests were refused when the database answers again. Meanwhile the pool is probed with {@code SELECT 1}
 * once a second (a request that succeeds says nothing about the database when it did not touch it).
 *
 * <p>State of one verticle instance, used on its event loop only. With several API instances in a process each logs
 * the outage once.
 */
public final class DatabaseOutage {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseOutage.class);
  /** What a refused request is told to wait before trying again. */
  public static final int RETRY_AFTER_SECONDS = 5;
  private static final long PROBE_MS = 1000;

  private final Vertx vertx;
  private final Pool pool;
  private long sinceNanos = -1;
  private long refused;
  private long probeTimer = -1;
  private boolean closed;

  public DatabaseOutage(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** A request was answered 503 because the database is unavailable ({@code cause}). */
  public void refused(Throwable cause) {
    refused++;
    if (sinceNanos < 0) {
      sinceNanos = System.nanoTime();
      LOG.warn("The database is unavailable ({}); answering 503 until it is reachable again", oneLine(cause));
      scheduleProbe();
    }
  }

  /** True while an outage is being waited out. */
  public boolean ongoing() {
    return sinceNanos >= 0;
  }

  private void scheduleProbe() {
    if (closed) {
      return;
    }
    probeTimer = vertx.setTimer(PROBE_MS, id -> pool.query("SELECT 1").execute()
      .onSuccess(rows -> recovered())
      .onFailure(e -> scheduleProbe()));
  }

  private void recovered() {
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - sinceNanos);
    LOG.info("The database is reachable again after {} s, {} requests refused", seconds, refused);
    sinceNanos = -1;
    refused = 0;
    probeTimer = -1;
  }

  /** Stops probing (the verticle stops). */
  public void close() {
    closed = true;
    if (probeTimer >= 0) {
      vertx.cancelTimer(probeTimer);
    }
  }

  private static String oneLine(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getClass().getSimpleName() + (root.getMessage() != null ? ": " + root.getMessage() : "");
    return text.replaceAll("\\s+", " ");
  }
}
