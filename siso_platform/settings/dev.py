"""Local development and demo: SQLite and the database task backend by default.

The variables whose development default differs from base's (environment.py declares both)
are read again here.
"""

from .base import *  # noqa: F403
from .environment import read

DEV = "dev"
DEBUG = read("DEBUG", DEV)
SECRET_KEY = read("SECRET_KEY", DEV)
SISO_PSEUDONYM_KEY = read("SISO_PSEUDONYM_KEY", DEV)
ALLOWED_HOSTS = read("ALLOWED_HOSTS", DEV)
EMAIL_BACKEND = read("EMAIL_BACKEND", DEV)
# The demo's printed logins work with their password alone (SISO_2FA_REQUIRED=1 to try 2FA).
SISO_2FA_REQUIRED = read("SISO_2FA_REQUIRED", DEV)
