"""Local development and demo: SQLite and the database task backend by default."""

import os

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-do-not-use-in-production"
SISO_PSEUDONYM_KEY = os.environ.get("SISO_PSEUDONYM_KEY") or "dev-only-pseudonym-key-not-secret"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# The demo's printed logins work with their password alone (SISO_2FA_REQUIRED=1 to try 2FA).
SISO_2FA_REQUIRED = env_bool("SISO_2FA_REQUIRED", False)
