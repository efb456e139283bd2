-- Projects (issue 14): every task belongs to a project; a project can be shared with other users.
--
-- A project belongs to one account (user_id): its tasks are that account's rows (tasks.user_id = projects.user_id,
-- held by the composite foreign key below), every event about them is written under that account's user and
-- sequence, as before projects, and the recurrence and reminder services need not know about sharing. Members see and
-- change the project's tasks through the API, which checks membership in the statement that reads the task. The
-- account a project belongs to is always one of its owners (it cannot leave or be demoted; it can delete the project).
CREATE TABLE projects (
    id         uuid PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    inbox      boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    version    integer     NOT NULL DEFAULT 1,
    UNIQUE (id, user_id)
);
-- one Inbox per account: where a task goes when no project is named
CREATE UNIQUE INDEX projects_inbox_key ON projects (user_id) WHERE inbox;

CREATE TABLE project_members (
    project_id uuid        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text        NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    added_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, user_id)
);
-- a user's projects (every access check and every list starts here)
CREATE INDEX project_members_user_idx ON project_members (user_id, project_id, role);

-- Every account has its Inbox, made with the account (a trigger, so no path that creates users can forget it).
CREATE FUNCTION taskflow_create_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    inbox_id uuid := gen_random_uuid();
BEGIN
    INSERT INTO projects (id, user_id, name, inbox) VALUES (inbox_id, NEW.id, 'Inbox', true);
    INSERT INTO project_members (project_id, user_id, role) VALUES (inbox_id, NEW.id, 'owner');
    RETURN NEW;
END $$;
CREATE TRIGGER users_inbox AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION taskflow_create_inbox();

WITH made AS (
    INSERT INTO projects (id, user_id, name, inbox)
    SELECT gen_random_uuid(), id, 'Inbox', true FROM users
    RETURNING id, user_id)
INSERT INTO project_members (project_id, user_id, role) SELECT id, user_id, 'owner' FROM made;

-- A task's project. A task inserted without one (a recurring instance whose series' project is gone, a path that
-- predates projects) goes to its account's Inbox.
ALTER TABLE tasks ADD COLUMN project_id uuid;
UPDATE tasks SET project_id = p.id FROM projects p WHERE p.user_id = tasks.user_id AND p.inbox;
ALTER TABLE tasks ALTER COLUMN project_id SET NOT NULL,
    ADD CONSTRAINT tasks_project_fkey FOREIGN KEY (project_id, user_id) REFERENCES projects (id, user_id)
        ON DELETE CASCADE;

CREATE FUNCTION taskflow_task_project() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.project_id IS NULL THEN
        SELECT id INTO NEW.project_id FROM projects WHERE user_id = NEW.user_id AND inbox;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER tasks_project BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION taskflow_task_project();

-- The lists of a project, newest first, and its subtasks' parents.
CREATE INDEX tasks_project_created_idx ON tasks (project_id, created_at DESC, id DESC);

-- The manual order's scope is now (project, parent): the top-level tasks of one project, or one task's subtasks (a
-- subtask is always in its parent's project). Positions were unique per account, so they are unique per project.
DROP INDEX tasks_scope_position_key;
CREATE UNIQUE INDEX tasks_scope_position_key
    ON tasks (project_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), position);

-- Reminders are their setter's (reminders.user_id: the member who set it, who alone is reminded), so two members may
-- each keep a reminder at the same time or offset of one task.
DROP INDEX reminders_task_offset_key;
DROP INDEX reminders_task_at_key;
CREATE UNIQUE INDEX reminders_task_offset_key ON reminders (task_id, user_id, due_offset) WHERE due_offset IS NOT NULL;
CREATE UNIQUE INDEX reminders_task_at_key ON reminders (task_id, user_id, remind_at) WHERE remind_at IS NOT NULL;
