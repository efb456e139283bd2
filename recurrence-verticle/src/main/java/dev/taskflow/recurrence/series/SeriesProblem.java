package dev.taskflow.recurrence.series;

/**
 * An expected failure of a series request, answered on the event bus with {@code status} as the failure code (the API
 * turns it into the same HTTP status) and a message a person can act on.
 */
public final class SeriesProblem extends RuntimeException {

  private final int status;

  public SeriesProblem(int status, String detail) {
    super(detail, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  static SeriesProblem notFound(String detail) {
    return new SeriesProblem(404, detail);
  }

  static SeriesProblem conflict(String detail) {
    return new SeriesProblem(409, detail);
  }

  static SeriesProblem unprocessable(String detail) {
    return new SeriesProblem(422, detail);
  }
}
