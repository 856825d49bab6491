-- The stalled-job watcher asks, every minute, for jobs waiting for a worker that have not changed for a while: only
-- unfinished jobs are indexed, so the index stays as small as the work in flight.
CREATE INDEX job_unfinished_updated_idx ON job (updated_at) WHERE status IN ('PENDING', 'RETRYING', 'RUNNING');
