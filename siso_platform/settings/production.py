"""Production: everything from the environment; refuses to start without the essentials."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE, REST_FRAMEWORK, TASK_BACKENDS, env_bool, env_list
from .content_security import CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_BY_PREFIX  # noqa: F401

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (comma-separated).")
# The pseudonymous person key's secret: without it flat exports are refused (nothing falls
# back to SECRET_KEY); a weak one, or SECRET_KEY itself, stops the start.
SISO_PSEUDONYM_KEY = os.environ.get("SISO_PSEUDONYM_KEY", "")
if SISO_PSEUDONYM_KEY and (len(SISO_PSEUDONYM_KEY) < 32 or SISO_PSEUDONYM_KEY == SECRET_KEY):
    raise ImproperlyConfigured(
        "SISO_PSEUDONYM_KEY must be at least 32 characters and differ from SECRET_KEY."
    )

DEBUG = False
# RQ over Redis spreads task workers over machines; TASKS_BACKEND=database needs no Redis.
TASKS = {"default": TASK_BACKENDS[os.environ.get("TASKS_BACKEND") or "rq"]}
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# API rate limits count requests in the cache: one Redis shared by every web process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/1"),
    }
}

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# ... and that proxy appends the client's address to X-Forwarded-For: the lockout and the rate
# limits read the address it saw (with 0 every client would share the proxy's address, and ten
# wrong passwords from anyone would lock everybody out). The app's port must not be reachable
# but through the proxy.
SISO_TRUSTED_PROXY_COUNT = int(os.environ.get("SISO_TRUSTED_PROXY_COUNT", "1"))
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": SISO_TRUSTED_PROXY_COUNT}
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The load balancer probes the app directly over plain HTTP; a redirect would read as down.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
# Django's default, stated explicitly: nothing here is meant to be framed. Wagtail's
# preview views set SAMEORIGIN on their own responses, so the admin's preview panel works.
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (siso_platform/settings/content_security.py); the
# admin's looser policy is chosen by path. Next to SecurityMiddleware: it only adds a header.
MIDDLEWARE = [
    *MIDDLEWARE[:1],
    "siso_platform.content_security.ContentSecurityPolicyMiddleware",
    *MIDDLEWARE[1:],
]

# Uploads private, image renditions public, as in every environment (base.py, docs/files.md).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "siso_platform.static_storage.ManifestStorage"},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "siso@localhost")
