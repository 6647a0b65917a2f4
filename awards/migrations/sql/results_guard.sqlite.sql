-- SQLite: a frozen result and an audit row are never changed or deleted (migration 0015).
-- The one change allowed is setting a result's published_at once, from NULL, nothing else changing.
-- SQLite has no row value to compare whole rows, so every column is named: a column added to
-- awards_resultsnapshot must be added here (tests/committee/test_results_guard.py tries each one).
-- A migration that remakes either table on SQLite drops its triggers: it must run this file again.
CREATE TRIGGER awards_resultsnapshot_frozen_update BEFORE UPDATE ON awards_resultsnapshot
WHEN NOT (
    OLD.published_at IS NULL AND NEW.published_at IS NOT NULL
    AND NEW.id IS OLD.id AND NEW.round_id IS OLD.round_id AND NEW.category_id IS OLD.category_id
    AND NEW.stage_id IS OLD.stage_id AND NEW.content IS OLD.content AND NEW.digest IS OLD.digest
    AND NEW.frozen_at IS OLD.frozen_at AND NEW.frozen_by_id IS OLD.frozen_by_id
    AND NEW.supersedes_id IS OLD.supersedes_id AND NEW.reason IS OLD.reason
    AND NEW.previous_id IS OLD.previous_id AND NEW.interim IS OLD.interim
)
BEGIN
    SELECT RAISE(ABORT, 'paritrana-guard: a frozen result is never changed (only published once)');
END;

CREATE TRIGGER awards_resultsnapshot_frozen_delete BEFORE DELETE ON awards_resultsnapshot
BEGIN
    SELECT RAISE(ABORT, 'paritrana-guard: a frozen result is never deleted');
END;

CREATE TRIGGER awards_auditevent_kept_update BEFORE UPDATE ON awards_auditevent
BEGIN
    SELECT RAISE(ABORT, 'paritrana-guard: an audit row is never changed');
END;

CREATE TRIGGER awards_auditevent_kept_delete BEFORE DELETE ON awards_auditevent
BEGIN
    SELECT RAISE(ABORT, 'paritrana-guard: an audit row is never deleted');
END;
