"""Production settings take their secret from the environment and refuse to start without it."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


STRONG_KEY = "k7Hq2vX9pL4mN8rT1wZ6yB3cF5gJ0sD2aE7uI9oP4lK8-Zq1xW5vB8nM3cR6tY0uA"


def run_production_check(extra_env, command=("check", "--deploy")):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(DJANGO_SETTINGS_MODULE="paritrana.settings.production", **extra_env)
    return subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_secret_key():
    result = run_production_check({})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_passes_its_own_deployment_check_with_a_proper_key():
    result = run_production_check({"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "paritrana.example"})
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert result.stderr == ""


def test_production_refuses_a_weak_secret_key():
    for key in ("k7Hq2vX9pL4mN8rT1wZ6yB3cF5gJ0sD2aE7uI9oP4lK8", "a" * 60, "django-insecure-" + STRONG_KEY):
        result = run_production_check({"SECRET_KEY": key, "ALLOWED_HOSTS": "paritrana.example"})
        assert result.returncode != 0
        assert "SECRET_KEY is too weak" in result.stderr


def test_seed_demo_refuses_production_settings():
    result = run_production_check({"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "paritrana.example",
                                   "DJANGO_LANGUAGE": "en"}, command=("seed_demo",))
    assert result.returncode != 0
    assert "runs only under the development settings" in result.stderr or "pengaturan pengembangan" in result.stderr


def test_database_url_selects_postgresql(monkeypatch):
    from paritrana.settings.base import BASE_DIR, database_from_env

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.internal:5432/paritrana")
    config = database_from_env(BASE_DIR / "x.sqlite3")["default"]
    assert (config["ENGINE"], config["NAME"], config["HOST"]) == (
        "django.db.backends.postgresql", "paritrana", "db.internal")
    monkeypatch.delenv("DATABASE_URL")
    config = database_from_env(BASE_DIR / "x.sqlite3")["default"]
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_production_keeps_files_in_a_private_s3_bucket_when_one_is_named():
    script = ("from django.core.files.storage import storages; s = storages['default']; "
              "print(type(s).__name__, getattr(s, 'bucket_name', '-'), getattr(s, 'endpoint_url', '-'), "
              "getattr(s, 'default_acl', '-'), getattr(s, 'querystring_auth', '-'))")
    base = {"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "paritrana.example"}
    result = run_production_check({**base, "S3_BUCKET": "paritrana-files", "S3_ENDPOINT_URL": "http://minio.internal:9000",
                                   "S3_ACCESS_KEY_ID": "a", "S3_SECRET_ACCESS_KEY": "b"},
                                  command=("shell", "--no-imports", "-c", script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "paritrana-files", "http://minio.internal:9000", "private", "True"]
    without = run_production_check(base, command=("shell", "--no-imports", "-c", script))
    assert without.stdout.split()[0] == "FileSystemStorage"


def test_production_does_not_know_the_benchmarks():
    """The benchmarks build synthetic editions and clear them: development settings only."""
    result = run_production_check({"SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "paritrana.example"},
                                  command=("help", "bench_ranking"))
    assert result.returncode != 0
    assert "Unknown command: 'bench_ranking'" in result.stderr
