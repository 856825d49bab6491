-- Every stored event carries a hash that chains it to the previous event of the same aggregate (the job):
--   hash = sha256(previous hash || sha256(header) || sha256(payload) || sha256(metadata))
-- where header is the event id, aggregate id, sequence number, aggregate type, payload type, payload revision and
-- timestamp, joined by line feeds, in UTF-8. The first event's previous hash is 32 zero bytes. The service verifies
-- the chain with the same formula (JobHistoryChain); see docs/operations.md.
-- The database computes it, on insert, so that every writer (Axon, an operator's tool) chains the same way and the
-- service cannot forget to. It is never recomputed on update: an edited event no longer matches its hash.
ALTER TABLE domainevententry ADD COLUMN hash BYTEA;

CREATE FUNCTION job_event_hash(previous BYTEA, event domainevententry) RETURNS BYTEA
    LANGUAGE sql IMMUTABLE AS
$$
SELECT sha256(previous
    || sha256(convert_to(concat_ws(E'\n', event.eventidentifier, event.aggregateidentifier,
                                   event.sequencenumber::TEXT, coalesce(event.type, ''), event.payloadtype,
                                   coalesce(event.payloadrevision, ''), event.timestamp), 'UTF8'))
    || sha256(event.payload)
    || sha256(coalesce(event.metadata, ''::BYTEA)))
$$;

CREATE FUNCTION chain_domain_event() RETURNS TRIGGER
    LANGUAGE plpgsql AS
$$
DECLARE
    previous BYTEA;
BEGIN
    IF NEW.sequencenumber = 0 THEN
        previous := decode(repeat('00', 32), 'hex');
    ELSE
        SELECT hash INTO previous
        FROM domainevententry
        WHERE aggregateidentifier = NEW.aggregateidentifier AND sequencenumber = NEW.sequencenumber - 1;
        IF previous IS NULL THEN
            RAISE EXCEPTION 'event % of aggregate % has no chained predecessor', NEW.sequencenumber,
                NEW.aggregateidentifier;
        END IF;
    END IF;
    NEW.hash := job_event_hash(previous, NEW);
    RETURN NEW;
END
$$;

-- Events stored before this migration get their chain now, in order.
DO
$$
DECLARE
    event    domainevententry;
    previous BYTEA;
BEGIN
    FOR event IN SELECT * FROM domainevententry ORDER BY aggregateidentifier, sequencenumber
        LOOP
            IF event.sequencenumber = 0 THEN
                previous := decode(repeat('00', 32), 'hex');
            END IF;
            previous := job_event_hash(previous, event);
            UPDATE domainevententry SET hash = previous WHERE globalindex = event.globalindex;
        END LOOP;
END
$$;

CREATE TRIGGER chain_domain_event
    BEFORE INSERT ON domainevententry
    FOR EACH ROW
EXECUTE FUNCTION chain_domain_event();
