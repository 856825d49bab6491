-- The global index of the last event applied to each job row: the live streams (/api/jobs/stream) follow the table
-- by it and resume from it (Last-Event-ID). A replay sets the same values again, so a resume point outlives a rebuild.
ALTER TABLE job ADD COLUMN last_event_index BIGINT NOT NULL DEFAULT 0;

CREATE INDEX job_event_index_idx ON job (last_event_index);
CREATE INDEX job_user_event_index_idx ON job (user_id, last_event_index);
