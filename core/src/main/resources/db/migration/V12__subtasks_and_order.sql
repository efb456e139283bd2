-- Subtasks and manual ordering (issue 14).
--
-- parent_id: the task this one is a subtask of; one level only (a subtask has no subtasks), same owner, both checked
-- by the API in the transaction that sets it (under the parent's row lock). ON DELETE CASCADE is the guard for
-- deletions that bypass the API (an account's erasure); the API deletes a parent's subtasks itself, one event each.
ALTER TABLE tasks ADD COLUMN parent_id uuid REFERENCES tasks (id) ON DELETE CASCADE;

-- position: the manual order within an ordering scope (today: the user's top-level tasks, or one task's subtasks),
-- ascending. A move writes only the moved row: the midpoint of its new neighbours; when two neighbours are adjacent
-- integers the scope is re-spaced (rare: after ~16 moves into the same gap). A task placed first (a new top-level
-- task: newest on top, as the created order shows them; a move to the top) takes the next value of
-- tasks_position_seq, negated and spaced: lower than every position ever given, so it cannot collide with a
-- position written meanwhile by another transaction, and so the recurrence verticle's spawns (the column default)
-- need no lock. Every other placement holds the scope's lock (the user row) while it reads the neighbours.
CREATE SEQUENCE tasks_position_seq;
ALTER TABLE tasks ADD COLUMN position bigint;
-- existing tasks keep the order the list shows them in: newest first
WITH ranked AS (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM tasks)
UPDATE tasks SET position = -ranked.n * 65536 FROM ranked WHERE tasks.id = ranked.id;
SELECT setval('tasks_position_seq', (SELECT count(*) FROM tasks) + 1, false);
ALTER TABLE tasks ALTER COLUMN position SET DEFAULT -nextval('tasks_position_seq') * 65536,
                  ALTER COLUMN position SET NOT NULL;
-- no two tasks of one scope share a position (the projects change makes the scope (project_id, parent)); the
-- nil uuid stands for "top level"
CREATE UNIQUE INDEX tasks_scope_position_key
    ON tasks (user_id, coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), position);
-- a parent's subtasks, in order
CREATE INDEX tasks_parent_idx ON tasks (parent_id, position) WHERE parent_id IS NOT NULL;
