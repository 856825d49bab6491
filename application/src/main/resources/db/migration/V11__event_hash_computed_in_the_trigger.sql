-- The trigger of V6 computes the same hash in place instead of calling job_event_hash(previous, NEW), whose call
-- with the new row as a composite value was a third of the trigger's cost: 15 -> 10 microseconds per stored event
-- (docs/benchmarks.md, sixteenth round). The formula is unchanged, so every stored hash stays valid, and
-- job_event_hash stays for checks in SQL (docs/operations.md, "The hash chain").
CREATE OR REPLACE FUNCTION chain_domain_event() RETURNS TRIGGER
    LANGUAGE plpgsql AS
$$
DECLARE
    previous BYTEA;
BEGIN
    IF NEW.sequencenumber = 0 THEN
        previous := '\x0000000000000000000000000000000000000000000000000000000000000000'::BYTEA;
    ELSE
        SELECT hash INTO previous
        FROM domainevententry
        WHERE aggregateidentifier = NEW.aggregateidentifier AND sequencenumber = NEW.sequencenumber - 1;
        IF previous IS NULL THEN
            RAISE EXCEPTION 'event % of aggregate % has no chained predecessor', NEW.sequencenumber,
                NEW.aggregateidentifier;
        END IF;
    END IF;
    NEW.hash := sha256(previous
        || sha256(convert_to(concat_ws(E'\n', NEW.eventidentifier, NEW.aggregateidentifier,
                                       NEW.sequencenumber::TEXT, coalesce(NEW.type, ''), NEW.payloadtype,
                                       coalesce(NEW.payloadrevision, ''), NEW.timestamp), 'UTF8'))
        || sha256(NEW.payload)
        || sha256(coalesce(NEW.metadata, ''::BYTEA)));
    RETURN NEW;
END
$$;
