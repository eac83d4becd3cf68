"""The production settings check (issue 18): ``manage.py check --deploy`` is clean with the documented
production environment (docs/production.env.example, object store and database included), warns
about each setting that is right for the demo and wrong in production, and every setting the code
reads is described in docs/deploy.md."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "production.env.example"


def production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHENBAO_", "DATABASE_URL", "DJANGO_"))}
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    env["SHENBAO_SECRET_KEY"] = secrets.token_urlsafe(50)  # the example's placeholder is no key
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Nothing connects: the checks read settings only (the example's hosts do not exist here).
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_is_clean_with_the_documented_production_environment() -> None:
    env = production_env()
    assert env["DATABASE_URL"].startswith("postgres://") and env["SHENBAO_STORAGE"] == "s3"
    result = check_deploy(env)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_about_demo_settings_in_production() -> None:
    env = production_env()
    for key in ("SHENBAO_CACHE_URL", "SHENBAO_LOG_FORMAT"):
        env.pop(key)
    env.update({"SHENBAO_TASKS_BACKEND": "immediate", "SHENBAO_S3_ENDPOINT_URL": "http://objects.example.org"})
    result = check_deploy(env)
    assert result.returncode == 1
    found = sorted(set(re.findall(r"\(shenbao\.(W\d+)\)", result.stderr)))
    assert found == ["W001", "W002", "W003", "W004"], result.stderr
    assert "Set SHENBAO_CACHE_URL to a Redis shared by every app server and worker" in result.stderr


def test_every_setting_the_code_reads_is_described_in_the_deploy_guide() -> None:
    settings_source = (ROOT / "src" / "shenbao" / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"((?:SHENBAO_[A-Z0-9_]+)|DATABASE_URL)"', settings_source))
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert len(names) > 40
    assert sorted(n for n in names if f"`{n}`" not in guide) == []
