-- PostgreSQL: a frozen result and an audit row are never changed or deleted (migration 0015).
-- The one change allowed is setting a result's published_at once, from NULL, every other column
-- unchanged (compared as whole rows, so a column added later is covered too). Row triggers do not see
-- TRUNCATE, which only the table's owner may run (the test suite's flush uses it).
CREATE OR REPLACE FUNCTION awards_resultsnapshot_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.published_at IS NULL AND NEW.published_at IS NOT NULL
       AND (to_jsonb(NEW) - 'published_at') = (to_jsonb(OLD) - 'published_at') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'paritrana-guard: a frozen result is never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    RAISE EXCEPTION 'paritrana-guard: a frozen result is never changed (only published once)'
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER awards_resultsnapshot_frozen BEFORE UPDATE OR DELETE ON awards_resultsnapshot
    FOR EACH ROW EXECUTE FUNCTION awards_resultsnapshot_frozen();

CREATE OR REPLACE FUNCTION awards_auditevent_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'paritrana-guard: an audit row is never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    RAISE EXCEPTION 'paritrana-guard: an audit row is never changed' USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER awards_auditevent_kept BEFORE UPDATE OR DELETE ON awards_auditevent
    FOR EACH ROW EXECUTE FUNCTION awards_auditevent_kept();
