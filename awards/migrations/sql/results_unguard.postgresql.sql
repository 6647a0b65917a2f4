-- PostgreSQL: removes the triggers and functions of results_guard.postgresql.sql (migration 0015 reversed).
DROP TRIGGER IF EXISTS awards_resultsnapshot_frozen ON awards_resultsnapshot;
DROP FUNCTION IF EXISTS awards_resultsnapshot_frozen();
DROP TRIGGER IF EXISTS awards_auditevent_kept ON awards_auditevent;
DROP FUNCTION IF EXISTS awards_auditevent_kept();
