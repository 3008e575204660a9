import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(env_overrides, *args):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "cadre_portal.settings.prod", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


PROD = {
    "SECRET_KEY": "x" * 60 + "-Secret-Key-For-Tests-Only-9f8e7d",
    "ALLOWED_HOSTS": "cadre.example.gov.cn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
}


def test_production_refuses_to_start_without_a_secret_key():
    result = _run({k: v for k, v in PROD.items() if k != "SECRET_KEY"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    result = _run({k: v for k, v in PROD.items() if k != "DATABASE_URL"}, "check")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_passes_the_deployment_checklist():
    result = _run(PROD, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
