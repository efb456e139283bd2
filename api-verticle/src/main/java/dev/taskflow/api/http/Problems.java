package dev.taskflow.api.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: every error leaves as {@code application/problem+json}. Expected failures ({@link Problem},
 * validation, authentication) say what was wrong; anything else is logged with the request and answered as a 500
 * that reveals nothing internal.
 */
public final class Problems {

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  public static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {
  }

  public static void handle(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    Throwable failure = ctx.failure();
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    String detail;
    if (failure instanceof Problem problem) {
      status = problem.status();
      detail = problem.getMessage();
    } else if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      detail = http.getCause() instanceof ValidatorException validation ? validation.getMessage() : http.getPayload();
    } else if (failure instanceof ValidatorException validation) {
      status = 400;
      detail = validation.getMessage();
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
