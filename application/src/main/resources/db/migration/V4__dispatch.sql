ALTER TABLE job ADD COLUMN dead_lettered BOOLEAN NOT NULL DEFAULT FALSE;

-- The dispatcher's outbox: one row per job attempt that is due (now or after a retry backoff) and not yet sent.
-- Written by the sqs-dispatch event processor in the same transaction as its tracking token, so nothing the ledger
-- accepted is lost; deleted once the message is sent and the dispatch is recorded on the job.
CREATE TABLE job_dispatch (
    job_id        UUID          NOT NULL,
    attempt       INTEGER       NOT NULL,
    job_type      VARCHAR(100)  NOT NULL,
    queue         VARCHAR(255)  NOT NULL,
    bucket        VARCHAR(255),
    file_key      VARCHAR(1024),
    file_name     VARCHAR(1024),
    due_at        TIMESTAMPTZ   NOT NULL,
    -- Set while a sender works on the row; a sender that died leaves it to expire, and the row is sent again.
    claimed_until TIMESTAMPTZ,
    failures      INTEGER       NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, attempt)
);

CREATE INDEX job_dispatch_due_idx ON job_dispatch (due_at);

-- What the dispatcher must know of a job to dispatch its later attempts (type, queue and file).
CREATE TABLE job_dispatch_target (
    job_id    UUID          NOT NULL PRIMARY KEY,
    job_type  VARCHAR(100)  NOT NULL,
    queue     VARCHAR(255)  NOT NULL,
    bucket    VARCHAR(255),
    file_key  VARCHAR(1024),
    file_name VARCHAR(1024)
);
