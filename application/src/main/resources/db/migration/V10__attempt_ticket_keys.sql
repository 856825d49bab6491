-- The keys that sign attempt tickets (AttemptTickets): the ticket in each SQS message lets the worker bridge act on
-- that job's attempt and on nothing else. Kept here, so that every instance signs and verifies alike and a message
-- queued before a restart still admits its attempt. The service inserts the first key ('k1', 32 random bytes) when
-- the table is empty; the newest key signs, every key verifies. Rotation: insert a newer row (docs/operations.md).
CREATE TABLE attempt_ticket_key (
    -- Written in front of every ticket the key signs: no dot, short.
    id         VARCHAR(32)  NOT NULL PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]+$'),
    secret     BYTEA        NOT NULL CHECK (octet_length(secret) >= 32),
    created_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);
