"""Production: everything from the environment; refuses to start without the essentials.

The variables whose production default differs from base's are read again here with
`read(name, PRODUCTION)` (environment.py declares both defaults).
"""

from django.core.exceptions import ImproperlyConfigured

from siso_platform import logs

from .base import *  # noqa: F403
from .base import LOG_LEVEL, MIDDLEWARE, REST_FRAMEWORK, TASK_BACKENDS, TASKS_LOG_LEVEL
from .content_security import CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_BY_PREFIX  # noqa: F401
from .environment import read

PRODUCTION = "production"
SECRET_KEY = read("SECRET_KEY", PRODUCTION)
ALLOWED_HOSTS = read("ALLOWED_HOSTS", PRODUCTION)
# The pseudonymous person key's secret: without it flat exports are refused (nothing falls
# back to SECRET_KEY); a weak one, or SECRET_KEY itself, stops the start.
SISO_PSEUDONYM_KEY = read("SISO_PSEUDONYM_KEY", PRODUCTION)
if SISO_PSEUDONYM_KEY and (len(SISO_PSEUDONYM_KEY) < 32 or SISO_PSEUDONYM_KEY == SECRET_KEY):
    raise ImproperlyConfigured(
        "SISO_PSEUDONYM_KEY must be at least 32 characters and differ from SECRET_KEY."
    )

DEBUG = False
# RQ over Redis spreads task workers over machines; TASKS_BACKEND=database needs no Redis.
TASKS = {"default": TASK_BACKENDS[read("TASKS_BACKEND", PRODUCTION)]}
CSRF_TRUSTED_ORIGINS = read("CSRF_TRUSTED_ORIGINS", PRODUCTION)
# One JSON object per line, for the log collector.
LOGGING = logs.logging_config(read("LOG_FORMAT", PRODUCTION), LOG_LEVEL, TASKS_LOG_LEVEL)

# API rate limits count requests in the cache: one Redis shared by every web process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": read("CACHE_URL", PRODUCTION),
        # A Redis that stops answering fails a request (and /readyz) in seconds, not minutes.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# ... and that proxy appends the client's address to X-Forwarded-For: the lockout and the rate
# limits read the address it saw (with 0 every client would share the proxy's address, and ten
# wrong passwords from anyone would lock everybody out). The app's port must not be reachable
# but through the proxy.
SISO_TRUSTED_PROXY_COUNT = read("SISO_TRUSTED_PROXY_COUNT", PRODUCTION)
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": SISO_TRUSTED_PROXY_COUNT}
SECURE_SSL_REDIRECT = read("SECURE_SSL_REDIRECT", PRODUCTION)
# The load balancer probes the app directly over plain HTTP; a redirect would read as down.
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)$"]
SECURE_HSTS_SECONDS = read("SECURE_HSTS_SECONDS", PRODUCTION)
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
