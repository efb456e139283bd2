package dev.taskflow.api.http;

import dev.taskflow.core.consumer.Faults;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The one failure handler: every error leaves as {@code application/problem+json}. Expected failures ({@link Problem},
 * validation, authentication) say what was wrong; a database that cannot be reached or is going away
 * ({@link Faults#isDatabaseUnavailable}) is a 503 with {@code Retry-After}, logged once per outage by
 * {@link DatabaseOutage}; anything else is logged with the request and answered as a 500 that reveals nothing internal.
 * One instance per API verticle instance (it holds that instance's outage state).
 */
public final class Problems implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  public static final String CONTENT_TYPE = "application/problem+json";
  static final String UNAVAILABLE = "The database is unavailable; try again shortly.";

  private final DatabaseOutage outage;

  public Problems(DatabaseOutage outage) {
    this.outage = outage;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    Throwable failure = ctx.failure();
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    String detail;
    if (failure instanceof Problem problem) {
      status = problem.status();
      detail = problem.getMessage();
      if (problem.retryAfterSeconds() > 0) {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(problem.retryAfterSeconds()));
      }
    } else if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      detail = http.getCause() instanceof ValidatorException validation ? describe(validation) : http.getPayload();
    } else if (failure instanceof ValidatorException validation) {
      status = 400;
      detail = describe(validation);
    } else if (failure != null && Faults.isDatabaseUnavailable(failure)) {
      outage.refused(failure);
      status = 503;
      detail = UNAVAILABLE;
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(DatabaseOutage.RETRY_AFTER_SECONDS));
    } else if (failure instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("22")) {
      // Data exceptions (bad encoding, out-of-range values) are the client's input that validation let through.
      LOG.warn("{} {}: input rejected by the database: {}", ctx.request().method(), ctx.request().path(),
        pg.getMessage());
      status = 400;
      detail = "A value in the request is not acceptable: " + pg.getErrorMessage();
    } else if (failure != null) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      status = 500;
      detail = "An unexpected error occurred; it has been logged.";
    } else {
      detail = null;
    }
    if (status == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      if (detail == null || detail.isBlank() || "Unauthorized".equals(detail)) {
        detail = "A valid bearer token is required: it is missing, malformed, expired or not signed by a trusted key.";
      }
    }
    if (status == 413 && detail == null) {
      detail = "The request body is larger than the server accepts.";
    }
    write(ctx, status, detail);
  }

  /**
   * The validator reports the last of its errors, which for a property that fails its own schema is often the
   * generic "does not match additional properties schema". Name the most specific error and where it is instead.
   */
  static String describe(ValidatorException e) {
    if (!(e instanceof SchemaValidationException schema) || schema.getOutputUnit() == null) {
      return e.getMessage();
    }
    List<OutputUnit> leaves = new ArrayList<>();
    collect(schema.getOutputUnit(), leaves);
    OutputUnit best = null;
    for (OutputUnit unit : leaves) {
      if (unit.getError() != null && (best == null || !isGeneric(unit.getError()) || isGeneric(best.getError()))) {
        best = unit;
      }
    }
    if (best == null) {
      return e.getMessage();
    }
    String location = best.getInstanceLocation() == null ? "" : best.getInstanceLocation().replaceFirst("^#/?", "");
    String error = best.getError();
    if (error.contains("does not match additional properties schema")) {
      error = error.replace("does not match additional properties schema", "is not a known field");
    }
    String where = location.isEmpty() ? "" : location.replace('/', '.') + ": ";
    return (e.getMessage().startsWith("The value of the request body") ? "Invalid request body. " : "")
      + where + error + ".";
  }

  private static boolean isGeneric(String error) {
    return error.contains("additional properties") || error.contains("subschema") || error.contains("\"else\"")
      || error.contains("unevaluated");
  }

  private static void collect(OutputUnit unit, List<OutputUnit> leaves) {
    if (unit.getErrors() == null || unit.getErrors().isEmpty()) {
      leaves.add(unit);
      return;
    }
    unit.getErrors().forEach(child -> collect(child, leaves));
  }

  public static void write(RoutingContext ctx, int status, String detail) {
    String title = HttpResponseStatus.valueOf(status).reasonPhrase();
    JsonObject body = new JsonObject()
      .put("type", "about:blank")
      .put("title", title)
      .put("status", status)
      .put("detail", detail != null && !detail.isBlank() ? detail : title)
      .put("instance", ctx.request().path());
    ctx.response()
      .setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
      .end(body.toBuffer());
  }
}
