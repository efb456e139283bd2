-- Since which of its account's events a member is one: the sequence of the taskflow.project.member.added that added
-- them (0 for the account itself, and for the members from before this column, who are counted as always there). The
-- webhook queue gives a member only the project's events from that one on, even when it queues them late (consumer
-- lag): the events a project's account writes are numbered in commit order, where clocks of two hosts may disagree.
ALTER TABLE project_members ADD COLUMN added_seq bigint NOT NULL DEFAULT 0;
