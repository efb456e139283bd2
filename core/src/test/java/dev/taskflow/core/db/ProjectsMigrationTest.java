package dev.taskflow.core.db;

import dev.taskflow.core.testing.TestDatabase;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** V13 on a database that has accounts and tasks from before projects: nothing is lost, everything has a project. */
class ProjectsMigrationTest {

  @RegisterExtension
  static TestDatabase db = new TestDatabase(false);

  @Test
  @DisplayName("existing accounts get an Inbox they own, their tasks (and subtasks) go in it; new accounts too")
  void upgradesExistingData() throws SQLException {
    var settings = db.settings();
    var options = settings.connectOptions();
    FluentConfiguration flyway = Flyway.configure()
      .dataSource(settings.jdbcUrl(), options.getUser(), options.getPassword())
      .locations("classpath:db/migration");
    flyway.target("12").load().migrate();
    UUID ada = UUID.randomUUID();
    UUID first = UUID.randomUUID();
    UUID second = UUID.randomUUID();
    try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), options.getUser(), options.getPassword());
         Statement s = c.createStatement()) {
      s.execute("INSERT INTO users (id, email, display_name) VALUES ('" + ada + "', 'ada@example.com', 'Ada')");
      s.execute("INSERT INTO tasks (id, user_id, title) VALUES ('" + first + "', '" + ada + "', 'first')");
      s.execute("INSERT INTO tasks (id, user_id, title, parent_id) VALUES ('" + second + "', '" + ada + "', 'sub', '"
        + first + "')");
    }
    flyway.target("latest").load().migrate();
    try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), options.getUser(), options.getPassword());
         Statement s = c.createStatement()) {
      ResultSet inbox = s.executeQuery("SELECT p.id, p.name, m.role FROM projects p JOIN project_members m "
        + "ON m.project_id = p.id AND m.user_id = p.user_id WHERE p.user_id = '" + ada + "' AND p.inbox");
      assertThat(inbox.next()).isTrue();
      UUID inboxId = (UUID) inbox.getObject(1);
      assertThat(inbox.getString(2)).isEqualTo("Inbox");
      assertThat(inbox.getString(3)).isEqualTo("owner");
      ResultSet tasks = s.executeQuery("SELECT count(*) FROM tasks WHERE project_id = '" + inboxId + "'");
      tasks.next();
      assertThat(tasks.getLong(1)).isEqualTo(2);

      // a new account gets its Inbox from the trigger; a task without a project goes to it
      UUID bob = UUID.randomUUID();
      s.execute("INSERT INTO users (id, email, display_name) VALUES ('" + bob + "', 'bob@example.com', 'Bob')");
      s.execute("INSERT INTO tasks (id, user_id, title) VALUES (gen_random_uuid(), '" + bob + "', 'plain')");
      ResultSet bobs = s.executeQuery("SELECT count(*) FROM tasks t JOIN projects p ON p.id = t.project_id "
        + "WHERE t.user_id = '" + bob + "' AND p.inbox AND p.user_id = '" + bob + "'");
      bobs.next();
      assertThat(bobs.getLong(1)).isEqualTo(1);
      // a task cannot be in another account's project, and an account has one Inbox
      assertThatThrownBy(() -> s.execute("INSERT INTO tasks (id, user_id, title, project_id) VALUES "
        + "(gen_random_uuid(), '" + bob + "', 'x', '" + inboxId + "')")).isInstanceOf(SQLException.class)
        .hasMessageContaining("tasks_project_fkey");
      assertThatThrownBy(() -> s.execute("INSERT INTO projects (id, user_id, name, inbox) VALUES "
        + "(gen_random_uuid(), '" + bob + "', 'Second inbox', true)")).isInstanceOf(SQLException.class)
        .hasMessageContaining("projects_inbox_key");
    }
  }
}
