package dev.taskflow.api.http;

/**
 * An expected failure of a request, answered as RFC 9457 {@code application/problem+json} with {@code status} and a
 * {@code detail} a person can act on.
 */
public final class Problem extends RuntimeException {

  private final int status;
  private final int retryAfterSeconds;

  public Problem(int status, String detail) {
    this(status, detail, 0);
  }

  /** A refusal the client may try again after {@code retryAfterSeconds} (sent as {@code Retry-After} when above 0). */
  public Problem(int status, String detail, int retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** 429: too many requests of this kind; try again after the given seconds. */
  public static Problem tooManyRequests(String detail, int retryAfterSeconds) {
    return new Problem(429, detail, Math.max(1, retryAfterSeconds));
  }

  public static Problem badRequest(String detail) {
    return new Problem(400, detail);
  }

  public static Problem unauthorized(String detail) {
    return new Problem(401, detail);
  }

  /** 403: the caller may see the resource but not do this to it (a viewer of a project changing its tasks). */
  public static Problem forbidden(String detail) {
    return new Problem(403, detail);
  }

  public static Problem notFound(String detail) {
    return new Problem(404, detail);
  }

  public static Problem conflict(String detail) {
    return new Problem(409, detail);
  }

  public static Problem unprocessable(String detail) {
    return new Problem(422, detail);
  }

  public static Problem preconditionFailed(String detail) {
    return new Problem(412, detail);
  }
}
