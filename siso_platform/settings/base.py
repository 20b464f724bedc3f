"""Settings shared by every environment; the environment-specific modules override them.

Values that differ between machines come from environment variables, each declared once in
`environment.py` (name, default, meaning) and read here through `read`.
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from siso_platform import error_reporting, logs

from .environment import read

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(read("SISO_VAR_DIR") or BASE_DIR / "var")

SECRET_KEY = read("SECRET_KEY")
DEBUG = read("DEBUG")
ALLOWED_HOSTS = read("ALLOWED_HOSTS")

INSTALLED_APPS = [
    # project packages first, so their templates and translations win
    "siso_platform.accounts",
    "siso_platform.territory",
    "siso_platform.people",
    "siso_platform.casework",
    "siso_platform.imports",
    "siso_platform.monitoring",
    "siso_platform.siuss",
    "siso_platform.thirdsector",
    "siso_platform.reporting",
    "siso_platform.audit",
    "siso_platform.notifications",
    "siso_platform.fieldapp",
    "siso_platform.sync",
    "home",
    "definitions",
    "forms",
    "workflows",
    # wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.settings",
    "wagtail.api.v2",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # processes, API, wizards, background tasks
    "viewflow",
    "viewflow.workflow",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "formtools",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    # sign-in: lockout after failed attempts, second factor (TOTP)
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "siso_platform.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # the user's id and the route on every log line of the request
    "siso_platform.logs.LogContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "siso_platform.accounts.two_factor_middleware.SecondFactorMiddleware",
    # wagtail's choosers, page explorer and test pages, closed to roles that do not need them
    "siso_platform.accounts.admin_areas.ClosedAdminAreasMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # a save that breaks a database constraint is a 400 naming the fields, not a 500
    "siso_platform.integrity.IntegrityErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # last, as axes asks: turns a locked-out sign-in into the lockout page
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "siso_platform.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # `|euro` and `|number` in every template: Italian amounts, one way.
            "builtins": ["siso_platform.italian"],
        },
    },
]

WSGI_APPLICATION = "siso_platform.wsgi.application"

# SQLite in var/ unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.parse(
        read("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'siso.sqlite3'}",
        conn_max_age=read("DATABASE_CONN_MAX_AGE"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ yet
    # WAL lets the task worker and the web server share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Axes first: it refuses a locked-out sign-in before any password is checked. Its standalone
# backend grants no permissions (its other one is a ModelBackend, which would grant the role
# groups' permissions after a membership ends).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "siso_platform.accounts.backends.MembershipBackend",
]

# The form engine's plug points (see forms/host.py): who owns questionnaires, whom they are
# about, and how reads and submissions are audited.
FORMS_OWNER_MODEL = "accounts.Organisation"
FORMS_SUBJECT_MODEL = "people.Person"
FORMS_HOST = "siso_platform.casework.forms_host.CaseworkFormsHost"
DEFINITIONS_HOST = FORMS_HOST  # the same class answers who owns definitions
# The form engine's file field: the types accepted (by content) and the upload limit.
FORMS_FILE_FIELD = "siso_platform.uploads.AttachmentField"
# The workflow engine's plug point (see workflows/host.py): roles, assignees, case context.
WORKFLOWS_HOST = "siso_platform.casework.workflow_host.SisoWorkflowsHost"
# The platform's own sign-in page; after it each role lands on its own home
# (siso_platform/accounts/homes.py), so LOGIN_REDIRECT_URL is only a fallback. The admin
# sends to it too (its own /admin/login/ keeps working). Signing out lands on "/".
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
WAGTAILADMIN_LOGIN_URL = "login"

# Signing in (docs/logins.md). How many reverse proxies in front of the platform append to
# X-Forwarded-For; 0: the header is ignored and the socket address is the client's. Read by
# the lockout (accounts/client_address.py) and by the API's rate limits (NUM_PROXIES).
SISO_TRUSTED_PROXY_COUNT = read("SISO_TRUSTED_PROXY_COUNT")
# Lockout: this many wrong passwords for one username, or from one address, within the
# cool-off lock it (the right password too) until the cool-off passes or the regional
# administrator lifts it (admin: Sign-in lockouts; manage.py axes_reset_username).
AXES_FAILURE_LIMIT = read("SISO_LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=read("SISO_LOGIN_COOLOFF_MINUTES"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Tries made while locked do not extend the lock: it ends when the cool-off says.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "siso_platform.accounts.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "siso_platform.accounts.lockouts.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "csrfmiddlewaretoken", "otp_code"]
AXES_ENABLE_ADMIN = False  # no django.contrib.admin here; the wagtail admin lists lockouts
AXES_DISABLE_ACCESS_LOG = True  # failures are kept while they count; no log of every sign-in
AXES_VERBOSE = False  # no banner on every command and start
# Second factor (TOTP): required for regional and zone administrators, data stewards and
# auditors; anyone may turn it on. False stops requiring it by role (the demo).
SISO_2FA_REQUIRED = read("SISO_2FA_REQUIRED")
OTP_TOTP_ISSUER = "SISO"
# A session ends after this many idle minutes, and when the browser closes.
SISO_SESSION_IDLE_MINUTES = read("SISO_SESSION_IDLE_MINUTES")
SESSION_COOKIE_AGE = SISO_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Italian first: the users' language. English is the second language.
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(read("STATIC_ROOT") or VAR_DIR / "static")
# Uploads are private (docs/files.md): the default storage keeps them under SISO_PRIVATE_ROOT,
# gives them no URL and they leave it only through scoped, audited views. MEDIA_ROOT holds
# public content only: the renditions of wagtail's images (the service charter's), which
# /media/images/ serves in DEBUG and the proxy in production.
SISO_PRIVATE_ROOT = Path(read("SISO_PRIVATE_ROOT") or VAR_DIR / "private")
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(read("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "siso_platform.private_files.PrivateStorage"},
    "public": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Upload limits in MB: attachments, questionnaire documents and wagtail documents; import files.
SISO_UPLOAD_MAX_MB = read("SISO_UPLOAD_MAX_MB")
SISO_IMPORT_MAX_MB = read("SISO_IMPORT_MAX_MB")
# A request body other than its files (Django's default, stated): JSON, form fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Background work goes through the Django tasks API; the backend is chosen per environment.
TASK_BACKENDS = {
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
}
TASKS = {"default": TASK_BACKENDS[read("TASKS_BACKEND")]}
# rq stops a job after 180 s by default; a regional import or screening takes minutes (bench/).
RQ_QUEUES = {"default": {"URL": read("REDIS_URL"), "DEFAULT_TIMEOUT": 6 * 3600}}

# Wagtail
WAGTAIL_SITE_NAME = "SISO"
WAGTAILADMIN_BASE_URL = read("WAGTAILADMIN_BASE_URL")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# The unset choice of a list filter (django-filter's default is a row of dashes).
FILTERS_EMPTY_CHOICE_LABEL = _("— all —")
# The charter's documents: checked by content (home/document_forms.py), kept private and
# served by wagtail's view at /documents/, which honours collection privacy; always downloaded.
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "ods", "odt", "pdf", "txt", "xlsx"]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "home.document_forms.DocumentForm"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = []
WAGTAILDOCS_MAX_UPLOAD_SIZE = SISO_UPLOAD_MAX_MB * 1024 * 1024
# Originals stay private; the renditions pages show are public content (MEDIA_ROOT).
WAGTAILIMAGES_RENDITION_STORAGE = "public"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = SISO_UPLOAD_MAX_MB * 1024 * 1024

# The API: personal device tokens (knox, stored hashed, with an expiry) for the phone app,
# the session for the browser; throttled per user, per anonymous IP and per login attempt.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON bodies with a key given twice or nested beyond 32 levels are a 400 (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.DeviceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.NewestFirstCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": read("API_RATE_ANON"),
        "user": read("API_RATE_USER"),
        "login": read("API_RATE_LOGIN"),
    },
    "EXCEPTION_HANDLER": "api.errors.handler",
    # The client's address for the rate limits, by the same rule as the lockout's.
    "NUM_PROXIES": SISO_TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
KNOX_TOKEN_MODEL = "accounts.DeviceToken"
# The field app (/app/) wipes its copy of the working set after this long without a sync.
SISO_APP_WORKING_SET_HOURS = read("SISO_APP_WORKING_SET_HOURS")
# How long an app write's Idempotency-Key is kept (sync_keys_purge). A device retries an item
# at most while its token lives (API_TOKEN_DAYS; after that the app wipes its outbox), so the
# keys must outlive the token: a retry after the purge would create the record again.
SISO_IDEMPOTENCY_DAYS = read("SISO_IDEMPOTENCY_DAYS")
if read("API_TOKEN_DAYS") >= SISO_IDEMPOTENCY_DAYS:
    raise ImproperlyConfigured(
        "SISO_IDEMPOTENCY_DAYS must be more than API_TOKEN_DAYS: a device retries an item "
        "as long as its token lives."
    )
# knox's own migrations create its token table even when the model is swapped for ours (and
# that stray table's key to users stops PostgreSQL from emptying the users table in tests).
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=read("API_TOKEN_DAYS")),
    "TOKEN_PREFIX": "siso_",
    "AUTH_HEADER_PREFIX": "Token",
}
# The OpenAPI schema documents the project's API only (`/api/v1/`): not wagtail's admin API
# views nor its headless CMS API under `/api/cms/`, which drf-spectacular cannot introspect.
SPECTACULAR_SETTINGS = {
    "TITLE": "SISO API",
    "DESCRIPTION": "The API of the regional social information system: the operators' and "
    "third-sector bodies' phone app and regional reporting. Authenticate with "
    "`Authorization: Token <token>` (POST /api/v1/auth/login/) or the browser session.",
    "VERSION": "1",
    "PREPROCESSING_HOOKS": ["siso_platform.openapi.only_project_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "siso_platform.openapi.portable_integers",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Many records have a "status": each set of choices gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "siso_platform.casework.models.CaseStatus",
        "NeedStatusEnum": "siso_platform.casework.models.NeedStatus",
        "InterventionStatusEnum": "siso_platform.casework.models.InterventionStatus",
        "AlertStatusEnum": "siso_platform.monitoring.models.AlertStatus",
        "ImportRunStatusEnum": "siso_platform.imports.models.RunStatus",
        "AccreditationStatusEnum": "siso_platform.thirdsector.models.AccreditationStatus",
        "ReportStatusEnum": "siso_platform.thirdsector.models.ReportStatus",
        "TaskStatusEnum": "viewflow.workflow.status.STATUS",
        "AccessChannelEnum": "siso_platform.casework.models.Channel",
        "AccessOutcomeEnum": "siso_platform.casework.models.AccessOutcome",
        "NoteKindEnum": "siso_platform.casework.models.NoteKind",
        "DocumentKindEnum": "siso_platform.casework.models.DocumentKind",
        "AppointmentPlaceEnum": "siso_platform.casework.models.AppointmentPlace",
    },
}
# Regional reporting: a cell counting fewer persons than this is suppressed.
REPORTING_MIN_PERSONS = read("REPORTING_MIN_PERSONS")
# The secret of the region's pseudonymous person key (reporting/pseudonyms.py): never
# SECRET_KEY. Without it, flat exports are refused; dev and test set a fixed dev-only value.
SISO_PSEUDONYM_KEY = read("SISO_PSEUDONYM_KEY")

# The SIUSS e-service INPS calls through PDND (siuss/waas/, docs/siuss.md): a voucher signed by
# one of these keys, for this audience and issuer and one of these purposes; unset, it refuses all.
PDND_JWKS = read("PDND_JWKS")
PDND_AUDIENCE = read("PDND_AUDIENCE")
PDND_ISSUER = read("PDND_ISSUER")
PDND_PURPOSE_IDS = read("PDND_PURPOSE_IDS")

# The headless CMS (wagtail's API at /api/cms/) serves published pages to anyone.
WAGTAILAPI_BASE_URL = read("WAGTAILAPI_BASE_URL") or WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 100  # the 92 municipalities' offices in one page

EMAIL_BACKEND = read("EMAIL_BACKEND")
EMAIL_HOST = read("EMAIL_HOST")
EMAIL_PORT = read("EMAIL_PORT")
EMAIL_HOST_USER = read("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = read("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = read("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = read("DEFAULT_FROM_EMAIL")

# Structured logs (siso_platform/logs.py); each environment picks its format.
LOG_LEVEL = read("LOG_LEVEL")
TASKS_LOG_LEVEL = read("TASKS_LOG_LEVEL")
LOGGING = logs.logging_config(read("LOG_FORMAT"), LOG_LEVEL, TASKS_LOG_LEVEL)
logs.configure_structlog()

# Error reporting, only with a SENTRY_DSN; events are scrubbed of personal data first.
error_reporting.init(
    read("SENTRY_DSN"), environment=read("SENTRY_ENVIRONMENT"), release=read("SENTRY_RELEASE")
)
