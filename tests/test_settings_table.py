"""Every environment variable is declared once, read through the declaration, and documented
in the README by the table generated from it."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from siso_platform.settings import environment

SETTINGS_DIR = Path(environment.__file__).parent


def test_the_readme_table_is_the_generated_one():
    readme = environment.README.read_text(encoding="utf-8")
    assert environment.readme_with_table(readme) == readme, "run `make settings-table`"


def test_settings_read_the_environment_only_through_the_declarations():
    for module in SETTINGS_DIR.glob("*.py"):
        if module.name != "environment.py":
            source = module.read_text(encoding="utf-8")
            assert not re.search(r"os\.environ|getenv", source), module.name


def test_every_declared_variable_is_read_by_some_settings():
    sources = "".join(path.read_text(encoding="utf-8") for path in SETTINGS_DIR.glob("*.py"))
    read = set(re.findall(r'read\(\s*"([A-Z0-9_]+)"', sources))
    assert read == set(environment.DECLARED)


def test_a_variable_reads_as_its_type_with_the_environments_default(monkeypatch):
    monkeypatch.delenv("TASKS_BACKEND", raising=False)
    assert environment.read("TASKS_BACKEND") == "database"
    assert environment.read("TASKS_BACKEND", "production") == "rq"
    monkeypatch.setenv("SISO_2FA_REQUIRED", "no")
    assert environment.read("SISO_2FA_REQUIRED") is False
    monkeypatch.setenv("ALLOWED_HOSTS", " a.example, b.example ,")
    assert environment.read("ALLOWED_HOSTS") == ["a.example", "b.example"]
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set in production"):
        environment.read("SECRET_KEY", "production")


def test_an_undeclared_variable_cannot_be_read():
    with pytest.raises(KeyError):
        environment.read("SISO_NOT_DECLARED")
