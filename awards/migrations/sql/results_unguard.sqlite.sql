-- SQLite: removes the triggers of results_guard.sqlite.sql (migration 0015 reversed).
DROP TRIGGER IF EXISTS awards_resultsnapshot_frozen_update;
DROP TRIGGER IF EXISTS awards_resultsnapshot_frozen_delete;
DROP TRIGGER IF EXISTS awards_auditevent_kept_update;
DROP TRIGGER IF EXISTS awards_auditevent_kept_delete;
