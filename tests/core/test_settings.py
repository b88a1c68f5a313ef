"""Settings from the environment: production refuses unsafe defaults, SQLite runs in WAL mode
with IMMEDIATE transactions. Each case starts a fresh Python process, since settings are read
once at start-up."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

# Variables of ours that must not leak from the developer's shell into the child process.
APP_VARIABLES = (
    "ALLMENDE_ENV",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_POOL",
    "DEBUG",
    "EMAIL_URL",
    "REDIS_URL",
    "TASK_BACKEND",
    "SITE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "STATIC_ROOT",
    "MEDIA_ROOT",
    "SQLITE_TEST_NAME",
    "ALLMENDE_FACTS",
)


def _run(tmp_path, args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    child_env = {
        k: v
        for k, v in os.environ.items()
        if k not in APP_VARIABLES and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    child_env.update(
        DJANGO_SETTINGS_MODULE="allmende.settings",
        ALLMENDE_DATA_DIR=str(tmp_path),
        **env,
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args],
        env=child_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _production_env(tmp_path) -> dict[str, str]:
    return {
        "ALLMENDE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
    }


SETUP = ["-c", "import django; django.setup()"]


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]

    result = _run(tmp_path, SETUP, **env)

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    env = _production_env(tmp_path)
    del env["ALLOWED_HOSTS"]

    result = _run(tmp_path, SETUP, **env)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_secret_key_and_allowed_hosts(tmp_path):
    result = _run(tmp_path, SETUP, **_production_env(tmp_path))

    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deployment_checks_without_warnings(tmp_path):
    result = _run(
        tmp_path,
        ["-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        **_production_env(tmp_path),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_demo_settings_fail_the_deployment_checks(tmp_path):
    # The fixed demo key and plain-HTTP cookies must never pass as production.
    result = _run(
        tmp_path,
        ["-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr  # insecure SECRET_KEY
    assert "security.W012" in result.stderr  # SESSION_COOKIE_SECURE


SQLITE_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
with connection.cursor() as cursor:
    pragmas = {}
    for name in ("journal_mode", "foreign_keys", "synchronous"):
        cursor.execute(f"PRAGMA {name}")
        pragmas[name] = cursor.fetchone()[0]
with CaptureQueriesContext(connection) as queries:
    with transaction.atomic():
        connection.cursor().execute("SELECT 1")
print(json.dumps({
    "pragmas": pragmas,
    "transaction_sql": [q["sql"] for q in queries.captured_queries],
    "options": settings.DATABASES["default"]["OPTIONS"],
}))
"""


@pytest.fixture
def sqlite_file_probe(tmp_path) -> dict:
    result = _run(
        tmp_path,
        ["-c", SQLITE_PROBE],
        DATABASE_URL=f"sqlite:///{tmp_path / 'wal.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sqlite_file_database_runs_in_wal_mode(sqlite_file_probe):
    assert sqlite_file_probe["pragmas"]["journal_mode"] == "wal"


def test_sqlite_enforces_foreign_keys_and_syncs_normally(sqlite_file_probe):
    assert sqlite_file_probe["pragmas"]["foreign_keys"] == 1
    assert sqlite_file_probe["pragmas"]["synchronous"] == 1  # NORMAL


def test_sqlite_transactions_begin_immediate(sqlite_file_probe):
    assert sqlite_file_probe["options"]["transaction_mode"] == "IMMEDIATE"
    assert sqlite_file_probe["options"]["timeout"] >= 5
    assert sqlite_file_probe["transaction_sql"][0] == "BEGIN IMMEDIATE"


def test_postgres_settings_get_no_sqlite_options(tmp_path):
    probe = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']))"
    )

    result = _run(
        tmp_path, ["-c", probe], DATABASE_URL="postgres://allmende@db.invalid:5432/allmende"
    )

    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout.strip().splitlines()[-1])
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert "transaction_mode" not in database["OPTIONS"]
    assert "init_command" not in database["OPTIONS"]


def test_current_test_database_has_the_options_of_its_engine(db):
    options = settings.DATABASES["default"].get("OPTIONS", {})
    if connection.vendor == "sqlite":
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]
    else:
        assert connection.vendor == "postgresql"
        assert "transaction_mode" not in options


ENV_PROBE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "mailer": settings.MAILERS["default"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "tasks": settings.TASKS["default"]["BACKEND"],
    "apps": settings.INSTALLED_APPS,
    "tile_url": settings.MAP_TILE_URL,
    "attribution": settings.MAP_ATTRIBUTION,
    "img_src": settings.SECURE_CSP["img-src"],
}, default=str))
"""


def test_email_redis_tasks_and_map_tiles_come_from_the_environment(tmp_path):
    result = _run(
        tmp_path,
        ["-c", ENV_PROBE],
        DATABASE_URL=f"sqlite:///{tmp_path / 'env.sqlite3'}",
        EMAIL_URL="smtp+tls://mailer:geheim@mail.example.org:587",
        REDIS_URL="redis://127.0.0.1:6379/3",
        TASK_BACKEND="rq",
        MAP_TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png",
        MAP_ATTRIBUTION="© Beispielkarten",
    )

    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert "mail.example.org" in json.dumps(probe["mailer"])
    assert "587" in json.dumps(probe["mailer"])
    assert probe["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert probe["cache_location"] == "redis://127.0.0.1:6379/3"
    assert probe["tasks"] == "django_tasks_rq.RQBackend"
    assert "django_rq" in probe["apps"]
    assert probe["tile_url"] == "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    assert "https://*.tiles.example.org" in probe["img_src"]
    assert probe["attribution"] == "© Beispielkarten"


def test_without_environment_the_demo_uses_console_mail_local_cache_and_the_database_queue(
    tmp_path,
):
    result = _run(tmp_path, ["-c", ENV_PROBE], DATABASE_URL=f"sqlite:///{tmp_path / 'env.sqlite3'}")

    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert "console" in json.dumps(probe["mailer"]).lower()
    assert probe["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert probe["tasks"] == "django_tasks_db.DatabaseBackend"
    assert probe["tile_url"] == ""
    assert not any("tiles" in source for source in probe["img_src"])
