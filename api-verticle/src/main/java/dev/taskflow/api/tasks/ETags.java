package dev.taskflow.api.tasks;

/** Reading {@code If-Match}: a list of entity tags or {@code *}, compared strongly (a weak tag never matches). */
public final class ETags {

  private ETags() {
  }

  public static boolean matches(String ifMatch, int version) {
    for (String candidate : ifMatch.split(",")) {
      String tag = candidate.strip();
      if (tag.equals("*")) {
        return true;
      }
      if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
        tag = tag.substring(1, tag.length() - 1);
      }
      if (tag.equals(Integer.toString(version))) {
        return true;
      }
    }
    return false;
  }
}
