"""The production settings pass `check --deploy` cleanly and refuse to start without essentials.

Each test runs manage.py in a subprocess with a cleaned copy of the environment, so neither the
test settings nor the developer's shell variables leak into what is checked.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).parents[1]
SETTINGS = "--settings=siso_platform.settings.production"
# Variables that would change what production settings load; removed before each run.
LEAKY_VARS = (
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DEBUG",
    "TASKS_BACKEND",
)


def run_manage(*args: str, **env_vars: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in LEAKY_VARS}
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues():
    result = run_manage(
        "check",
        "--deploy",
        SETTINGS,
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="siso.example.org",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output.splitlines()
    assert "WARNINGS" not in output
    assert "issues:" not in output


def test_refuses_to_start_without_secret_key():
    result = run_manage("check", SETTINGS, ALLOWED_HOSTS="siso.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set" in result.stderr


def test_refuses_to_start_without_allowed_hosts():
    result = run_manage("check", SETTINGS, SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode != 0
    assert "ImproperlyConfigured: ALLOWED_HOSTS must be set" in result.stderr


def test_static_files_collect_with_hashed_names(tmp_path):
    # A failed collectstatic leaves no manifest, and then every page using {% static %} fails.
    result = run_manage(
        "collectstatic",
        "--noinput",
        SETTINGS,
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="siso.example.org",
        STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in manifest


# Asks for two pages under the production settings and prints their policies; neither view
# reads the database (a 404 would: wagtail's redirects look the path up).
PRINT_POLICIES = """
from django.test import Client
client = Client(HTTP_X_FORWARDED_PROTO="https")
for path in ("/i18n/setlang/", "/admin/"):
    print(client.get(path).get("Content-Security-Policy"))
"""


def test_production_responses_carry_a_content_security_policy():
    result = run_manage(
        "shell",
        "-c",
        PRINT_POLICIES,
        SETTINGS,
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="testserver",
    )
    assert result.returncode == 0, result.stderr
    platform, admin = (
        dict(part.strip().split(" ", 1) for part in line.split(";"))
        for line in result.stdout.splitlines()[-2:]
    )
    # The platform's pages: their own scripts and styles only, nothing inline, no eval.
    assert platform["script-src"] == "'self'"
    # no inline style but Bootstrap Italia's two fixed ones, by hash (content_security.py)
    style_src = platform["style-src"].split()
    assert style_src[0] == "'self'" and "'unsafe-inline'" not in style_src
    assert all(source.startswith("'sha256-") for source in style_src[1:])
    assert platform["default-src"] == "'self'"
    assert platform["object-src"] == "'none'"
    assert platform["frame-ancestors"] == "'none'"
    assert platform["base-uri"] == "'self'"
    assert platform["form-action"] == "'self'"
    # wagtail's admin needs its inline scripts and may frame its own preview, never eval.
    assert admin["script-src"] == "'self' 'unsafe-inline'"
    assert admin["frame-ancestors"] == "'self'"
    assert admin["object-src"] == "'none'"
    assert "unsafe-eval" not in result.stdout
