"""The field app's shell, manifest and service worker as the server sends them."""

import json
import re
from pathlib import Path

import pytest
from django.template.loader import get_template

from siso_platform.fieldapp import views

pytestmark = pytest.mark.django_db


def test_the_worker_is_never_cached_and_names_its_cache_after_the_shell_version(
    client, monkeypatch
):
    response = client.get("/app/sw.js")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-cache"
    assert response["Content-Type"].startswith("text/javascript")
    script = response.content.decode()
    assert f'const VERSION = "{views.shell_version()}";' in script
    precache = json.loads(re.search(r"const PRECACHE = (\[.*\]);", script).group(1))
    assert precache[:2] == ["/app/", "/app/manifest.webmanifest"]
    # Every script the shell loads (the app's files among them) starts offline.
    scripts = re.findall(r'<script src="([^"]+)"', client.get("/app/").content.decode())
    assert {f"/static/{name}" for name in views.APP_SCRIPTS} <= set(scripts) <= set(precache)
    assert scripts[-1] == "/static/fieldapp/app.js"  # it starts the app: the others come first
    assert "indexedDB" not in script.replace("IndexedDB", "")  # the worker never opens it

    monkeypatch.setattr(views, "shell_version", lambda: "next-deploy")
    assert 'const VERSION = "next-deploy";' in client.get("/app/sw.js").content.decode()


def test_the_shell_version_counts_every_template_the_shell_includes():
    page = Path(get_template("fieldapp/shell.html").origin.name).read_text()
    included = set(re.findall(r'{% include "([^"]+)"', page))
    assert included and included <= set(views.SHELL_TEMPLATES)


def test_the_shell_carries_the_working_set_hours_and_no_inline_script(client, settings):
    settings.SISO_APP_WORKING_SET_HOURS = 24
    response = client.get("/app/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-cache"
    page = response.content.decode()
    config = json.loads(
        re.search(r'<script id="app-config" type="application/json">(.*?)</script>', page).group(1)
    )
    assert config["working_set_hours"] == 24 and config["scope"] == "/app/"
    # Only JSON data and files: the production policy forbids inline scripts and styles.
    assert re.findall(r"<script(?![^>]*(?:src=|application/json))", page) == []
    assert "style=" not in page and "<style" not in page


def test_the_manifest_makes_the_app_installable(client):
    response = client.get("/app/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["start_url"] == manifest["scope"] == "/app/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
