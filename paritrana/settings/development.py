"""Local development and tests: a fixed insecure key, debug on, SQLite unless DATABASE_URL is set."""
import os

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-not-for-production")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", "[::1]"]
# Benchmarks and their data builders (bench_* commands): development only, never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# seed_demo creates accounts with the published demo password: only here.
DEMO_ALLOWED = True
# Email (password resets) lands as files in outbox/, one per message, to be read there.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = BASE_DIR / "outbox"  # noqa: F405
DEFAULT_FROM_EMAIL = "Paritrana <paritrana@localhost>"
