import importlib

import pytest
from django.urls import clear_url_caches

from siso_platform.accounts.roles import ensure_role_groups


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    """Uploads and public media in this test's own folders."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SISO_PRIVATE_ROOT = tmp_path / "private"
    return tmp_path


@pytest.fixture(autouse=True)
def role_groups(db):
    # A reused test database may keep the groups of an older roles.py.
    ensure_role_groups()


@pytest.fixture
def debug_urls(settings):
    """The URLconf as `make run` builds it (DEBUG on: static files and media served)."""
    import siso_platform.urls

    settings.DEBUG = True
    clear_url_caches()
    importlib.reload(siso_platform.urls)
    yield
    settings.DEBUG = False
    clear_url_caches()
    importlib.reload(siso_platform.urls)
