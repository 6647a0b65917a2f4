"""Development-only: the synthetic data builders and the bench_* commands that time the award's work.
Only the development settings install this app; production's manage.py does not know these commands."""
