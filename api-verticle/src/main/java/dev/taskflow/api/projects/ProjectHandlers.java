package dev.taskflow.api.projects;

import dev.taskflow.api.accounts.CurrentUser;
import dev.taskflow.api.http.Problem;
import dev.taskflow.api.tasks.TaskAccess;
import dev.taskflow.api.tasks.TaskInput;
import dev.taskflow.core.event.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

import static dev.taskflow.api.http.Responses.body;
import static dev.taskflow.api.http.Responses.json;
import static dev.taskflow.api.http.Responses.noContent;
import static dev.taskflow.api.http.Responses.respond;
import static dev.taskflow.api.http.Responses.validated;
import static dev.taskflow.api.tasks.TaskHandlers.correlationId;
import static dev.taskflow.api.tasks.TaskHandlers.ifMatch;

/**
 * The {@code /projects} endpoints. A removal or a deletion that leaves members without a project is published on
 * {@code projects.access.revoked} once it has committed, so every API instance's bridge stops their live updates of
 * it at once, before its event has gone round the broker.
 */
public final class ProjectHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(ProjectHandlers.class);

  private final ProjectRepository projects;
  private final EventBus eventBus;

  public ProjectHandlers(ProjectRepository projects, EventBus eventBus) {
    this.projects = projects;
    this.eventBus = eventBus;
  }

  public void listProjects(RoutingContext ctx) {
    respond(ctx, projects.list(CurrentUser.id(ctx)).compose(list -> json(ctx, 200, new JsonObject()
      .put("items", new JsonArray(list.stream().map(Project::toJson).toList())))));
  }

  public void createProject(RoutingContext ctx) {
    String name = name(body(ctx));
    respond(ctx, projects.create(CurrentUser.id(ctx), name, correlationId(ctx)).compose(project -> {
      ctx.response().putHeader(HttpHeaders.LOCATION, "/api/v1/projects/" + project.id());
      return withProject(ctx, 201, project);
    }));
  }

  public void getProject(RoutingContext ctx) {
    respond(ctx, projects.find(CurrentUser.id(ctx), projectId(ctx)).compose(project -> withProject(ctx, 200, project)));
  }

  public void updateProject(RoutingContext ctx) {
    String name = name(body(ctx));
    respond(ctx, projects.rename(CurrentUser.id(ctx), projectId(ctx), name, ifMatch(ctx), correlationId(ctx))
      .compose(project -> withProject(ctx, 200, project)));
  }

  public void deleteProject(RoutingContext ctx) {
    respond(ctx, projects.delete(CurrentUser.id(ctx), projectId(ctx), ifMatch(ctx), correlationId(ctx))
      .compose(revoked -> {
        announce(revoked, "project deleted");
        return noContent(ctx);
      }));
  }

  public void listMembers(RoutingContext ctx) {
    respond(ctx, projects.members(CurrentUser.id(ctx), projectId(ctx)).compose(members -> json(ctx, 200,
      new JsonObject().put("items", new JsonArray(members)))));
  }

  public void addMember(RoutingContext ctx) {
    JsonObject body = body(ctx);
    UUID id = projectId(ctx);
    String email = body.getString("email").strip();
    String role = role(body, TaskAccess.EDITOR);
    respond(ctx, projects.addMember(CurrentUser.id(ctx), id, email, role, correlationId(ctx))
      .compose(member -> {
        ctx.response().putHeader(HttpHeaders.LOCATION, "/api/v1/projects/" + id + "/members/"
          + member.getString("userId"));
        return json(ctx, 201, member);
      }));
  }

  public void updateMember(RoutingContext ctx) {
    respond(ctx, projects.setRole(CurrentUser.id(ctx), projectId(ctx), memberId(ctx), role(body(ctx), null),
      correlationId(ctx)).compose(member -> json(ctx, 200, member)));
  }

  public void removeMember(RoutingContext ctx) {
    respond(ctx, projects.removeMember(CurrentUser.id(ctx), projectId(ctx), memberId(ctx), correlationId(ctx))
      .compose(revoked -> {
        announce(revoked, "member removed");
        return noContent(ctx);
      }));
  }

  /** Tells every API instance's bridge who lost the project (after the commit). */
  public static void announce(EventBus eventBus, ProjectRepository.Revoked revoked, String why) {
    if (!revoked.userIds().isEmpty()) {
      LOG.info("Project {}: {} lost access ({})", revoked.projectId(), revoked.userIds(), why);
      eventBus.publish(Addresses.PROJECTS_ACCESS_REVOKED, revoked.toJson());
    }
  }

  private void announce(ProjectRepository.Revoked revoked, String why) {
    announce(eventBus, revoked, why);
  }

  private static Future<Void> withProject(RoutingContext ctx, int status, Project project) {
    ctx.response().putHeader(HttpHeaders.ETAG, project.etag());
    return json(ctx, status, project.toJson());
  }

  /** 1–100 characters once trimmed (the contract bounds the raw value). */
  private static String name(JsonObject body) {
    String name = body.getString("name").strip();
    if (name.isEmpty() || name.length() > 100) {
      throw Problem.badRequest("name must be 1–100 characters, not only spaces.");
    }
    return name;
  }

  /** {@code role}, or the fallback when it is left out (a 400 when there is none). */
  private static String role(JsonObject body, String fallback) {
    String role = TaskInput.oneOf("role", body.getString("role", fallback), TaskAccess.OWNER, TaskAccess.EDITOR,
      TaskAccess.VIEWER);
    if (role == null) {
      throw Problem.badRequest("role is required: owner, editor or viewer.");
    }
    return role;
  }

  private static UUID projectId(RoutingContext ctx) {
    return UUID.fromString(validated(ctx).getPathParameters().get("id").getString());
  }

  private static UUID memberId(RoutingContext ctx) {
    return UUID.fromString(validated(ctx).getPathParameters().get("userId").getString());
  }
}
