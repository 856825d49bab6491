-- A dispatch row is identified by the event that made it due, not by (job, attempt): a redriven job may be
-- dispatched again for an attempt number that was dispatched before, and a sender must only ever remove the row it
-- sent.
ALTER TABLE job_dispatch DROP CONSTRAINT job_dispatch_pkey;
ALTER TABLE job_dispatch ADD COLUMN id BIGSERIAL PRIMARY KEY;
ALTER TABLE job_dispatch ADD COLUMN cause_event_id VARCHAR(255);
UPDATE job_dispatch SET cause_event_id = job_id || ':' || attempt;
ALTER TABLE job_dispatch ALTER COLUMN cause_event_id SET NOT NULL;
ALTER TABLE job_dispatch ADD CONSTRAINT job_dispatch_cause_uq UNIQUE (cause_event_id);
CREATE INDEX job_dispatch_job_idx ON job_dispatch (job_id);
