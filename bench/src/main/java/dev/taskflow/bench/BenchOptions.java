package dev.taskflow.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The harness's command line, parsed by hand: an optional benchmark name ({@code api}, the default,
 * {@code backbone} or {@code reminders}), then options.
 *
 * @param benchmark     {@link #API}, {@link #BACKBONE}, {@link #RECURRENCE} or {@link #REMINDERS}
 * @param connections   concurrent HTTP connections, and in-flight transactions in the database phase; for the
 *                      backbone, the writers' pool
 * @param seconds       length of each measured window
 * @param warmupSeconds length of each warm-up, not measured
 * @param rate          backbone: task writes started per second
 * @param users         backbone: users the writes are spread over; reminders: users the reminders belong to
 * @param url           a running server to drive; null means "start one in this process"
 * @param token         a bearer token for {@code url}
 * @param email         an account to log in with at {@code url}
 * @param password      its password
 * @param dbUrl         the database of the server at {@code url}, for the database phase and the outbox check
 * @param help          print the usage and stop
 * @param reminderCount reminders: how many are due
 * @param spreadSeconds reminders: the window they are due in
 * @param instances     reminders: notifier verticles firing them
 */
record BenchOptions(String benchmark, int connections, int seconds, int warmupSeconds, int rate, int users, URI url,
                    String token, String email, String password, String dbUrl, boolean help, int reminderCount,
                    int spreadSeconds, int instances) {

  static final String API = "api";
  static final String BACKBONE = "backbone";
  static final String RECURRENCE = "recurrence";
  static final String REMINDERS = "reminders";

  /** The embedded PostgreSQL allows 200 connections; the API's own pool and the harness's checks need some. */
  static final int MAX_EMBEDDED_CONNECTIONS = 150;

  static final String USAGE = """
    Usage: java -jar taskflow-bench.jar [api] [options]
           java -jar taskflow-bench.jar backbone [options]
           java -jar taskflow-bench.jar reminders [options]

    api (the default) drives POST /api/v1/tasks over HTTP, then runs the same transaction (TaskRepository.create
    with its outbox event) directly on a connection pool, both closed-loop with the same concurrency, and compares
    the two. By default everything runs in this process: a temporary embedded PostgreSQL (fsync and synchronous
    commits on) and the API verticle on a free loopback port; both are removed at the end. Only loopback targets
    are accepted.

      --connections N       concurrent connections / in-flight transactions (default 50)
      --seconds S           measured seconds per phase (default 10)
      --warmup-seconds W    unmeasured warm-up seconds per phase (default 3)
      --url URL             drive a running server instead, e.g. http://127.0.0.1:8080
      --token JWT           a bearer token for --url
      --email E --password P  log in at --url with this account
                            (neither --token nor --email: a fresh account is registered)
      --db-url URL          postgresql://user:pass@127.0.0.1:5432/db of the server at --url; without it the
                            database phase and the outbox check are skipped

    backbone measures the event backbone, all in this process: a temporary embedded PostgreSQL (fsync and
    synchronous commits on), a temporary embedded Kafka broker, the outbox relay (Kafka, acks=all) and the audit
    verticle. Task creates (TaskRepository.create, the API's transaction) start open-loop at --rate per second,
    round-robin over --users users, and the run prints the achieved write rate, the relay's throughput, commit ->
    broker acknowledgement and commit -> event_log row latencies, and checks that every committed event was
    acknowledged and logged.

      --rate R              task writes started per second (default 1000)
      --users U             users the writes are spread over (default 100)
      --connections N       the writers' pool: transactions in flight at most (default 50)
      --seconds S           measured seconds (default 10)
      --warmup-seconds W    unmeasured warm-up seconds (default 3)

    recurrence measures the recurrence engine on one thread (next occurrences and 100-occurrence previews per
    second), then, on a temporary embedded PostgreSQL and Kafka broker with the outbox relay and a recurrence
    verticle, completes recurring tasks open-loop at --rate per second over --users users and prints the time from
    each completion's commit to its next instance's commit, checking that every completion spawned exactly one.

      --rate R              completions per second (default 100)
      --users U             users the tasks belong to (default 20)
      --connections N       the harness's pool (default 50)
      --seconds S / --warmup-seconds W   as above

    reminders measures how late reminders fire, all in this process: a temporary embedded PostgreSQL (fsync and
    synchronous commits on), a temporary embedded Kafka broker, the outbox relay, the audit verticle and
    --instances notifier verticles on the one database. It schedules --reminders reminders due evenly within
    --spread-seconds, starting 5 s after they are written, waits for them all, and prints the firing lateness
    (fired_at - fire_at, and the firing transaction's commit - fire_at) and the delivery lateness (arrival on
    notifications.user.<userId>, through Kafka), and checks that each fired, was published, logged and
    delivered exactly once.

      --reminders N         reminders due (default 10000)
      --spread-seconds S    the window they are due in (default 60)
      --instances I         notifier verticles sharing the work (default 2)
      --users U             users the reminders belong to, one task each (default 100)

      --help                this text

    Exit code: 0 when every call succeeded and the checks hold (api: the outbox check; backbone: as many events
    acknowledged and logged as were committed; reminders: each fired and delivered exactly once), 1 otherwise, 2
    for bad arguments.
    """;

  static BenchOptions parse(String[] args) {
    String benchmark = API;
    int first = 0;
    if (args.length > 0 && List.of(API, BACKBONE, RECURRENCE, REMINDERS).contains(args[0])) {
      benchmark = args[0];
      first = 1;
    }
    int connections = 50;
    int seconds = 10;
    int warmup = 3;
    Integer rate = null;
    Integer users = null;
    URI url = null;
    String token = null;
    String email = null;
    String password = null;
    String dbUrl = null;
    boolean help = false;
    Integer reminders = null;
    Integer spread = null;
    Integer instances = null;
    for (int i = first; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--connections" -> connections = number(args, ++i, arg, 1, 1000);
        case "--seconds" -> seconds = number(args, ++i, arg, 1, 3600);
        case "--warmup-seconds" -> warmup = number(args, ++i, arg, 0, 600);
        case "--rate" -> rate = number(args, ++i, arg, 1, 20_000);
        case "--users" -> users = number(args, ++i, arg, 1, 10_000);
        case "--url" -> url = serverUrl(value(args, ++i, arg));
        case "--token" -> token = value(args, ++i, arg);
        case "--email" -> email = value(args, ++i, arg);
        case "--password" -> password = value(args, ++i, arg);
        case "--db-url" -> dbUrl = databaseUrl(value(args, ++i, arg));
        case "--reminders" -> reminders = number(args, ++i, arg, 1, 100_000);
        case "--spread-seconds" -> spread = number(args, ++i, arg, 1, 3600);
        case "--instances" -> instances = number(args, ++i, arg, 1, 8);
        case "--help", "-h" -> help = true;
        default -> throw new IllegalArgumentException("Unknown argument: " + arg);
      }
    }
    boolean api = API.equals(benchmark);
    boolean remindersRun = REMINDERS.equals(benchmark);
    if (!api && (url != null || token != null || email != null || password != null || dbUrl != null)) {
      throw new IllegalArgumentException("--url, --token, --email, --password and --db-url are options of the api "
        + "benchmark; the " + benchmark + " benchmark runs self-contained");
    }
    if ((rate != null && (api || remindersRun)) || (api && users != null)) {
      throw new IllegalArgumentException("--rate is an option of the backbone and recurrence benchmarks, --users of "
        + "those and the reminders one: "
        + "java -jar taskflow-bench.jar backbone --rate N --users U");
    }
    if (!remindersRun && (reminders != null || spread != null || instances != null)) {
      throw new IllegalArgumentException("--reminders, --spread-seconds and --instances are options of the reminders "
        + "benchmark: java -jar taskflow-bench.jar reminders --reminders N --spread-seconds S --instances I");
    }
    if (url == null && (token != null || email != null || password != null || dbUrl != null)) {
      throw new IllegalArgumentException("--token, --email, --password and --db-url go with --url; "
        + "the self-contained run makes its own server, account and database");
    }
    if (token != null && (email != null || password != null)) {
      throw new IllegalArgumentException("Give either --token or --email/--password, not both");
    }
    if ((email == null) != (password == null)) {
      throw new IllegalArgumentException("--email and --password go together");
    }
    if (url == null && connections > MAX_EMBEDDED_CONNECTIONS) {
      throw new IllegalArgumentException("--connections is at most " + MAX_EMBEDDED_CONNECTIONS
        + " against the embedded PostgreSQL (it allows 200 connections in all)");
    }
    int defaultRate = RECURRENCE.equals(benchmark) ? 100 : 1000;
    int defaultUsers = RECURRENCE.equals(benchmark) ? 20 : 100;
    return new BenchOptions(benchmark, connections, seconds, warmup, rate == null ? defaultRate : rate,
      users == null ? defaultUsers : users, url, token, email, password, dbUrl, help, reminders == null ? 10_000 : reminders,
      spread == null ? 60 : spread, instances == null ? 2 : instances);
  }

  boolean selfContained() {
    return url == null;
  }

  boolean backbone() {
    return BACKBONE.equals(benchmark);
  }

  boolean reminders() {
    return REMINDERS.equals(benchmark);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static int number(String[] args, int i, String flag, int min, int max) {
    String text = value(args, i, flag);
    int n;
    try {
      n = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a whole number, got '" + text + "'", e);
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  private static URI serverUrl(String text) {
    URI uri = uri(text, "--url");
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--url must look like http://127.0.0.1:8080, got '" + text + "'");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !"/".equals(uri.getRawPath())) {
      throw new IllegalArgumentException("--url is the server's root, without a path (/api/v1 is added)");
    }
    requireLoopback(uri.getHost(), "--url");
    return URI.create("http://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 80));
  }

  private static String databaseUrl(String text) {
    URI uri = uri(text, "--db-url");
    if ((!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new IllegalArgumentException("--db-url must look like postgresql://user:pass@127.0.0.1:5432/db");
    }
    requireLoopback(uri.getHost(), "--db-url");
    return text;
  }

  private static URI uri(String text, String flag) {
    try {
      return URI.create(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + " is not a URL: '" + text + "'", e);
    }
  }

  /** A load generator must not be pointed elsewhere by mistake: localhost or a loopback address literal only. */
  static void requireLoopback(String host, String flag) {
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    boolean literal = bare.matches("[0-9.]+") || bare.contains(":");
    boolean loopback;
    try {
      loopback = "localhost".equalsIgnoreCase(bare) || literal && InetAddress.getByName(bare).isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new IllegalArgumentException(flag + " must point at this machine (localhost, 127.0.0.1, [::1]); got "
        + host);
    }
  }
}
