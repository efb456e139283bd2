-- The instance whose completion spawned this one (on-completion series only; NULL for a series' first instance and for
-- on-schedule spawns). Reopening that instance retracts this one while it is untouched (the recurrence verticle,
-- consuming taskflow.task.reopened). No foreign key: the completed instance may be deleted later, as history may.
-- Looked up by (series_id, spawned_from): the series' instances are few, found by tasks_series_occurrence_key.
ALTER TABLE tasks ADD COLUMN spawned_from uuid;
