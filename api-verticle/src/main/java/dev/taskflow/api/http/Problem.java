package dev.taskflow.api.http;

/**
 * An expected failure of a request, answered as RFC 9457 {@code application/problem+json} with {@code status} and a
 * {@code detail} a person can act on.
 */
public final class Problem extends RuntimeException {

  private final int status;

  public Problem(int status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static Problem badRequest(String detail) {
    return new Problem(400, detail);
  }

  public static Problem unauthorized(String detail) {
    return new Problem(401, detail);
  }

  public static Problem notFound(String detail) {
    return new Problem(404, detail);
  }

  public static Problem conflict(String detail) {
    return new Problem(409, detail);
  }

  public static Problem preconditionFailed(String detail) {
    return new Problem(412, detail);
  }
}
