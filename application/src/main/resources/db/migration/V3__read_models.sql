-- The query side's read models, projected from the event store and rebuildable from it.
CREATE TABLE job (
    id                  UUID         NOT NULL PRIMARY KEY,
    job_type            VARCHAR(100) NOT NULL,
    status              VARCHAR(20)  NOT NULL,
    user_id             VARCHAR(255) NOT NULL,
    queue               VARCHAR(255) NOT NULL,
    attempt             INTEGER      NOT NULL DEFAULT 0,
    attempts            INTEGER      NOT NULL DEFAULT 0,
    max_attempts        INTEGER      NOT NULL,
    error_reason        TEXT,
    file_key            VARCHAR(1024),
    file_name           VARCHAR(1024),
    file_url            VARCHAR(2048),
    file_size           BIGINT,
    file_content_type   VARCHAR(255),
    payload             JSONB,
    result              JSONB,
    meta                JSONB,
    processed_rows      BIGINT       NOT NULL DEFAULT 0,
    total_rows          BIGINT,
    failed_rows         BIGINT       NOT NULL DEFAULT 0,
    log_count           BIGINT       NOT NULL DEFAULT 0,
    created_at          TIMESTAMPTZ  NOT NULL,
    updated_at          TIMESTAMPTZ  NOT NULL,
    started_at          TIMESTAMPTZ,
    finished_at         TIMESTAMPTZ,
    -- Sequence number of the last event applied: a redelivered event is recognised and skipped.
    last_event_sequence BIGINT       NOT NULL,
    CONSTRAINT job_status_ck CHECK (status IN ('PENDING', 'RUNNING', 'RETRYING', 'COMPLETED', 'FAILED', 'CANCELLED'))
);

-- Lists are newest first, by owner (users) or across owners (admins), optionally by type and status.
CREATE INDEX job_user_created_idx ON job (user_id, created_at DESC, id DESC);
CREATE INDEX job_created_idx ON job (created_at DESC, id DESC);
CREATE INDEX job_user_type_status_created_idx ON job (user_id, job_type, status, created_at DESC);
CREATE INDEX job_status_created_idx ON job (status, created_at DESC);
CREATE INDEX job_type_created_idx ON job (job_type, created_at DESC);

CREATE TABLE job_log (
    job_id     UUID        NOT NULL,
    -- Position in the job's whole log, in written order; with job_id, the key that makes replays idempotent.
    sequence   BIGINT      NOT NULL,
    attempt    INTEGER     NOT NULL,
    level      VARCHAR(10) NOT NULL,
    message    TEXT        NOT NULL,
    row_number BIGINT,
    meta       JSONB,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (job_id, sequence),
    CONSTRAINT job_log_level_ck CHECK (level IN ('DEBUG', 'INFO', 'WARNING', 'ERROR'))
);

CREATE INDEX job_log_level_idx ON job_log (job_id, level, sequence);
