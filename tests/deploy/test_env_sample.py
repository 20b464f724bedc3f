"""deploy/siso.env.sample names every variable the settings read, and nothing they do not
(apart from the deployment's own: gunicorn's workers and the backup script's)."""

import re
from pathlib import Path

from siso_platform.settings import environment

SAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "siso.env.sample"
DEPLOYMENT_OWN = {"GUNICORN_WORKERS", "SISO_BACKUP_DIR", "SISO_BACKUP_KEEP_DAYS"}


def sample_names() -> dict[str, bool]:
    """Each name the sample shows, and whether it is set (not commented out)."""
    names = {}
    for line in SAMPLE.read_text().splitlines():
        found = re.match(r"^(#?)([A-Z][A-Z0-9_]*)=", line)
        if found:
            names[found.group(2)] = not found.group(1)
    return names


def test_sample_names_every_declared_variable():
    assert set(environment.DECLARED) - set(sample_names()) == set()


def test_sample_names_nothing_undeclared():
    assert set(sample_names()) - set(environment.DECLARED) == DEPLOYMENT_OWN


def test_what_production_requires_is_set_in_the_sample():
    names = sample_names()
    required = [v.name for v in environment.VARIABLES if "production" in v.required_in]
    assert required and all(names[name] for name in required)
