"""Settings read from the environment (README "Configuration"); production settings are strict."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }  # the last: browser tests set it
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "production-secret-key-with-enough-entropy-0123456789",
        ALLOWED_HOSTS="attain.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_required_when_debug_is_off():
    result = run_manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_bad_fiscal_year_start_month_is_refused():
    result = run_manage("check", DEBUG="1", FISCAL_YEAR_START_MONTH="13")
    assert result.returncode != 0
    assert "FISCAL_YEAR_START_MONTH must be between 1 and 12" in result.stderr


def test_settings_read_fiscal_start_and_database_from_environment():
    code = (
        "from django.conf import settings;"
        "print(settings.FISCAL_YEAR_START_MONTH, settings.DATABASES['default']['ENGINE'],"
        " settings.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        DEBUG="1",
        FISCAL_YEAR_START_MONTH="1",
        DATABASE_URL="sqlite:////tmp/attain-x.db",
        REDIS_URL="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1", "django.db.backends.sqlite3", "True"]


def test_redis_url_switches_celery_to_a_real_broker():
    code = "from django.conf import settings as s; print(s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)"
    result = run_manage("shell", "--no-imports", "-c", code, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://127.0.0.1:6379/3", "False"]


@pytest.mark.django_db
def test_health_check_answers_without_host_validation(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.9:8000")
    assert response.status_code == 200
    assert response.content == b"ok\n"
