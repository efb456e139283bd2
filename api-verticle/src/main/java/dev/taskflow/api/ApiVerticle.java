package dev.taskflow.api;

import dev.taskflow.api.accounts.AccountHandlers;
import dev.taskflow.api.accounts.AccountRepository;
import dev.taskflow.api.accounts.CurrentUser;
import dev.taskflow.api.accounts.PasswordHasher;
import dev.taskflow.api.accounts.ProfileHandlers;
import dev.taskflow.api.sessions.SessionHandlers;
import dev.taskflow.api.sessions.SessionRepository;
import dev.taskflow.api.sessions.SessionSettings;
import dev.taskflow.api.history.HistoryHandlers;
import dev.taskflow.api.history.HistoryRepository;
import dev.taskflow.api.http.DatabaseOutage;
import dev.taskflow.api.http.HeaderTimeout;
import dev.taskflow.api.http.Problems;
import dev.taskflow.api.limits.AuthLimitSettings;
import dev.taskflow.api.limits.AuthLimits;
import dev.taskflow.api.live.FanOut;
import dev.taskflow.api.live.LiveBridge;
import dev.taskflow.api.push.PushHandlers;
import dev.taskflow.api.push.PushRepository;
import dev.taskflow.api.http.ServiceCalls;
import dev.taskflow.api.projects.ProjectHandlers;
import dev.taskflow.api.projects.ProjectRepository;
import dev.taskflow.api.tasks.RecurrenceHandlers;
import dev.taskflow.api.reminders.ReminderHandlers;
import dev.taskflow.api.reminders.ReminderRepository;
import dev.taskflow.api.tasks.TaskHandlers;
import dev.taskflow.api.tasks.TaskRepository;
import dev.taskflow.api.webhooks.WebhookHandlers;
import dev.taskflow.api.webhooks.WebhookRepository;
import dev.taskflow.core.auth.JwtSettings;
import dev.taskflow.core.auth.TokenAuth;
import dev.taskflow.core.db.Database;
import dev.taskflow.core.db.DatabaseSettings;
import dev.taskflow.core.net.EgressGuard;
import dev.taskflow.core.outbox.OutboxWriter;
import dev.taskflow.core.push.PushSettings;
import dev.taskflow.core.management.Readiness;
import dev.taskflow.core.transport.EventPublisher;
import dev.taskflow.core.transport.Transports;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The HTTP API under {@code /api/v1}: accounts and tokens, tasks, and the OpenAPI document every request is validated
 * against, and the event history it asks the audit verticle for on {@code audit.history}; due dates, reminders and
 * webhooks (written to the database, where the notifier picks them up); plus {@code /health/live} and
 * {@code /health/ready} (database, broker, and cluster membership when clustered; {@link Readiness}). {@code /metrics}
 * is not here but on the process's management port ({@code ManagementVerticle}). Owns its
 * database pool; writes task events to the outbox, never to a broker (it only asks the broker whether it is up).
 *
 * <p>Sessions: a sign-in opens a session and answers a short access token naming it ({@code sid}) with a rotated
 * refresh token ({@link SessionHandlers}); {@link CurrentUser} checks on every request that the session still exists,
 * and revocations go out on {@code sessions.revoked} so the bridge closes their sockets. The account's own changes,
 * deletion included (with {@code taskflow.account.deleted} in the outbox), are {@link ProfileHandlers}.
 *
 * <p>Hardening: login and registration go through the process's {@link AuthLimits} (per e-mail, per client address,
 * and the bounded hashing queue); a database outage is a 503 logged once per instance ({@link DatabaseOutage});
 * connections have an idle timeout and a header timeout ({@link HeaderTimeout}).
 */
public final class ApiVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  public static final String CONTRACT = "openapi/taskflow.yaml";

  private Pool pool;
  private HttpServer server;
  private DatabaseOutage outage;
  private PasswordHasher passwords;
  /** The web UI: static files (HTML, CSS, ES modules, the vendored event-bus client) on the class path. */
  static final String WEBROOT = "webroot";

  private EventPublisher broker;
  private FanOut fanOut;

  @Override
  public Future<?> start() {
    ApiSettings settings = ApiSettings.from(config());
    pool = Database.pool(vertx, DatabaseSettings.from(config()));
    outage = new DatabaseOutage(vertx, pool);
    HeaderTimeout headerTimeout = new HeaderTimeout(vertx, settings.headerTimeoutSeconds() * 1000L);
    Future<Buffer> contractText = vertx.fileSystem().readFile(CONTRACT);
    return Transports.publisher(vertx, config())
      .onSuccess(publisher -> broker = publisher)
      .compose(v -> Transports.subscriber(vertx, config()))
      .onSuccess(subscriber -> {
        fanOut = new FanOut(vertx, subscriber);
        fanOut.start();
      })
      .compose(v -> TokenAuth.create(vertx, JwtSettings.from(config())))
      .compose(tokens -> contractText.compose(text -> OpenAPIContract.from(vertx, CONTRACT))
        .map(contract -> router(contract, tokens, contractText.result(), settings)))
      .compose(router -> vertx.createHttpServer(serverOptions(settings))
        .connectionHandler(headerTimeout::connected)
        .requestHandler(headerTimeout.around(router))
        .listen(settings.port(), settings.host()))
      .onSuccess(s -> {
        server = s;
        LOG.info("API listening on http://{}:{}", settings.host(), s.actualPort());
      });
  }

  /**
   * WebSocket frames and messages are the bridge's only (its frames are small JSON): one larger than
   * {@code live.message.limit} closes the socket before more of it is read. Idle connections are closed after
   * {@code http.idle.timeout.seconds}; cleartext HTTP/2 upgrade is off, so a connection is handed to the header
   * timeout as soon as it opens (see {@link HeaderTimeout}).
   */
  private static HttpServerOptions serverOptions(ApiSettings settings) {
    return new HttpServerOptions()
      .setIdleTimeout(settings.idleTimeoutSeconds())
      .setHttp2ClearTextEnabled(false)
      .setMaxWebSocketFrameSize(settings.liveMessageLimit())
      .setMaxWebSocketMessageSize(settings.liveMessageLimit());
  }

  private Router router(OpenAPIContract contract, TokenAuth tokens, Buffer contractText, ApiSettings settings) {
    AccountRepository accountRepository = new AccountRepository(pool);
    AuthLimits limits = AuthLimits.shared(vertx, AuthLimitSettings.from(config()));
    passwords = new PasswordHasher(vertx, config(), limits);
    SessionRepository sessionRepository = new SessionRepository(pool, SessionSettings.from(config()));
    SessionHandlers sessions = new SessionHandlers(sessionRepository, tokens, vertx.eventBus());
    AccountHandlers accounts = new AccountHandlers(accountRepository, passwords, tokens, limits,
      settings.clientAddress(), sessions);
    ProfileHandlers profile = new ProfileHandlers(accountRepository, passwords, tokens, limits, sessions,
      new OutboxWriter("api"));
    ServiceCalls calls = new ServiceCalls(vertx.eventBus());
    TaskRepository taskRepository = new TaskRepository(pool, new OutboxWriter("api"));
    RecurrenceHandlers recurrence = new RecurrenceHandlers(calls, taskRepository);
    TaskHandlers tasks = new TaskHandlers(taskRepository, recurrence);
    CurrentUser currentUser = new CurrentUser(accountRepository, sessionRepository, tokens);
    Problems problems = new Problems(outage);

    RouterBuilder api = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler())
      .rootHandler(BodyHandler.create(false).setBodyLimit(settings.bodyLimit()))
      .security("bearerAuth").httpHandler(JWTAuthHandler.create(tokens));
    api.getRoute("register").addHandler(accounts::register);
    api.getRoute("login").addHandler(accounts::login);
    api.getRoute("getMe").addHandler(currentUser).addHandler(accounts::me);
    api.getRoute("refresh").addHandler(sessions::refresh);
    api.getRoute("listSessions").addHandler(currentUser).addHandler(sessions::listSessions);
    api.getRoute("deleteSession").addHandler(currentUser).addHandler(sessions::deleteSession);
    api.getRoute("logout").addHandler(currentUser).addHandler(sessions::logout);
    api.getRoute("logoutAll").addHandler(currentUser).addHandler(sessions::logoutAll);
    api.getRoute("updateMe").addHandler(currentUser).addHandler(profile::updateMe);
    api.getRoute("changePassword").addHandler(currentUser).addHandler(profile::changePassword);
    api.getRoute("deleteMe").addHandler(currentUser).addHandler(profile::deleteMe);
    api.getRoute("createTask").addHandler(currentUser).addHandler(tasks::createTask);
    api.getRoute("listTasks").setDoValidation(false).addHandler(currentUser).addHandler(tasks::listTasks);
    api.getRoute("getTask").addHandler(currentUser).addHandler(tasks::getTask);
    api.getRoute("updateTask").addHandler(currentUser).addHandler(tasks::updateTask);
    api.getRoute("deleteTask").addHandler(currentUser).addHandler(tasks::deleteTask);
    api.getRoute("completeTask").addHandler(currentUser).addHandler(tasks::completeTask);
    api.getRoute("reopenTask").addHandler(currentUser).addHandler(tasks::reopenTask);
    // subtasks and manual ordering (issue 14)
    api.getRoute("moveTask").addHandler(currentUser).addHandler(tasks::moveTask);
    api.getRoute("listRecurring").setDoValidation(false).addHandler(currentUser).addHandler(recurrence::listRecurring);
    api.getRoute("setRecurrence").addHandler(currentUser).addHandler(recurrence::setRecurrence);
    api.getRoute("stopRecurrence").addHandler(currentUser).addHandler(recurrence::stopRecurrence);
    api.getRoute("skipOccurrence").addHandler(currentUser).addHandler(recurrence::skipOccurrence);
    api.getRoute("previewRecurrence").addHandler(currentUser).addHandler(recurrence::preview);
    HistoryHandlers history = new HistoryHandlers(calls, new HistoryRepository(pool));
    api.getRoute("listEvents").setDoValidation(false).addHandler(currentUser).addHandler(history::listEvents);
    api.getRoute("listTaskEvents").setDoValidation(false).addHandler(currentUser).addHandler(history::listTaskEvents);
    ReminderHandlers reminders = new ReminderHandlers(taskRepository, new ReminderRepository(pool));
    api.getRoute("setDue").addHandler(currentUser).addHandler(reminders::setDue);
    api.getRoute("addReminder").addHandler(currentUser).addHandler(reminders::addReminder);
    api.getRoute("listReminders").addHandler(currentUser).addHandler(reminders::listReminders);
    api.getRoute("deleteReminder").addHandler(currentUser).addHandler(reminders::deleteReminder);
    api.getRoute("listPendingReminders").setDoValidation(false).addHandler(currentUser)
      .addHandler(reminders::listPending);
    api.getRoute("snoozeReminder").addHandler(currentUser).addHandler(reminders::snooze);
    WebhookHandlers webhooks = new WebhookHandlers(new WebhookRepository(pool), EgressGuard.from(config()));
    api.getRoute("createWebhook").addHandler(currentUser).addHandler(webhooks::createWebhook);
    api.getRoute("listWebhooks").addHandler(currentUser).addHandler(webhooks::listWebhooks);
    api.getRoute("getWebhook").addHandler(currentUser).addHandler(webhooks::getWebhook);
    api.getRoute("deleteWebhook").addHandler(currentUser).addHandler(webhooks::deleteWebhook);
    api.getRoute("listWebhookDeliveries").setDoValidation(false).addHandler(currentUser)
      .addHandler(webhooks::listDeliveries);
    // Web Push: the VAPID public key and the user's devices (the notifier pushes to them)
    PushSettings pushSettings = PushSettings.from(config());
    PushHandlers push = new PushHandlers(vertx, new PushRepository(pool, pushSettings.perUser()), pushSettings,
      config());
    api.getRoute("getVapidPublicKey").addHandler(currentUser).addHandler(push::getVapidPublicKey);
    api.getRoute("createPushSubscription").addHandler(currentUser).addHandler(push::createSubscription);
    api.getRoute("listPushSubscriptions").addHandler(currentUser).addHandler(push::listSubscriptions);
    api.getRoute("deletePushSubscription").addHandler(currentUser).addHandler(push::deleteSubscription);
    ProjectHandlers projects = new ProjectHandlers(new ProjectRepository(pool, new OutboxWriter("api")),
      vertx.eventBus());
    api.getRoute("listProjects").addHandler(currentUser).addHandler(projects::listProjects);
    api.getRoute("createProject").addHandler(currentUser).addHandler(projects::createProject);
    api.getRoute("getProject").addHandler(currentUser).addHandler(projects::getProject);
    api.getRoute("updateProject").addHandler(currentUser).addHandler(projects::updateProject);
    api.getRoute("deleteProject").addHandler(currentUser).addHandler(projects::deleteProject);
    api.getRoute("listProjectMembers").addHandler(currentUser).addHandler(projects::listMembers);
    api.getRoute("addProjectMember").addHandler(currentUser).addHandler(projects::addMember);
    api.getRoute("updateProjectMember").addHandler(currentUser).addHandler(projects::updateMember);
    api.getRoute("removeProjectMember").addHandler(currentUser).addHandler(projects::removeMember);
    api.getRoutes().forEach(route -> route.addFailureHandler(problems));

    Router apiRouter = api.createRouter();
    apiRouter.get("/openapi.yaml").handler(ctx -> ctx.response()
      .putHeader("Content-Type", "application/yaml")
      .end(contractText));

    Router root = Router.router(vertx);
    // kept on the public port for existing probes; the management server has them too, with /metrics
    root.get("/health/live").handler(Readiness.live(vertx));
    root.get("/health/ready").handler(Readiness.ready(vertx, pool));
    root.get("/health/broker").handler(Readiness.broker(vertx, broker, Transports.kind(config())));
    root.route("/api/v1/auth/*").handler(ApiVerticle::noStore);
    root.route("/api/v1/*").handler(ApiVerticle::checkAuthorizationHeader).handler(ApiVerticle::mergePatchAsJson);
    root.route("/api/v1/*").subRouter(apiRouter);
    // the SockJS transports that POST (xhr_send and the like) need the body read, within the same limit as a frame
    root.post("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(settings.liveMessageLimit()))
      .failureHandler(ApiVerticle::closeAfterTooLarge);
    root.route("/eventbus/*")
      .subRouter(new LiveBridge(tokens, currentUser, pool, settings.liveSocketsPerUser(),
        Duration.ofSeconds(settings.liveIdleTimeoutSeconds())).router(vertx));
    root.get("/docs/api").handler(ctx -> ctx.redirect("/docs/api.html"));
    root.route().method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ApiVerticle::uiHeaders)
      .handler(StaticHandler.create(WEBROOT).setIndexPage("index.html"));
    root.route().last().handler(ctx -> ctx.fail(404));
    root.route().failureHandler(problems);
    return root;
  }

  /** A bridge body over the limit is answered, and its connection closed: the rest of it is not read. */
  private static void closeAfterTooLarge(RoutingContext ctx) {
    if (ctx.statusCode() == 413) {
      LOG.warn("Bridge: a {} body over the limit from {}; connection closed", ctx.request().path(),
        ctx.request().remoteAddress());
      ctx.response().putHeader("Connection", "close");
    }
    ctx.next();
  }

  /**
   * The web UI is same-origin only: its scripts, styles, API calls and the bridge. Its files are ES modules that import
   * each other by plain names (no build step to put content hashes in them), so every one of them is served
   * {@code no-cache}: the browser keeps it but asks each time, with the Last-Modified it has, and a 304 answers while
   * it is current; a new version is seen on the next load, never a mix of an old index.html with new modules.
   */
  private static void uiHeaders(RoutingContext ctx) {
    ctx.response()
      .putHeader(io.vertx.core.http.HttpHeaders.CACHE_CONTROL, "no-cache")
      .putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
      .putHeader("X-Content-Type-Options", "nosniff")
      .putHeader("Referrer-Policy", "no-referrer");
    ctx.next();
  }

  /** Answers that carry a token (register, login) must not be kept by any cache. */
  private static void noStore(RoutingContext ctx) {
    ctx.response().putHeader(io.vertx.core.http.HttpHeaders.CACHE_CONTROL, "no-store");
    ctx.next();
  }

  /** An Authorization header that is there but holds no bearer token is a 401 with a reason, not a bare 400. */
  private static void checkAuthorizationHeader(RoutingContext ctx) {
    String authorization = ctx.request().getHeader("Authorization");
    if (authorization != null && !authorization.matches("(?i)bearer [A-Za-z0-9._~+/=-]+")) {
      ctx.fail(dev.taskflow.api.http.Problem.unauthorized(
        "The Authorization header must be 'Bearer <token>' with a token from /api/v1/auth/login."));
      return;
    }
    ctx.next();
  }

  /** The validator knows application/json only; a merge patch is JSON with the same schema. */
  private static void mergePatchAsJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/merge-patch+json")) {
      ctx.request().headers().set("Content-Type", "application/json");
    }
    ctx.next();
  }

  @Override
  public Future<?> stop() {
    if (outage != null) {
      outage.close();
    }
    Future<Void> closing = server != null ? server.close() : Future.succeededFuture();
    return closing
      .eventually(() -> fanOut != null ? fanOut.close() : Future.succeededFuture())
      .eventually(() -> broker != null ? broker.close() : Future.succeededFuture())
      .eventually(() -> passwords != null ? passwords.close() : Future.succeededFuture())
      .eventually(() -> pool != null ? pool.close() : Future.succeededFuture());
  }
}
