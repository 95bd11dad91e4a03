"""Attain settings, read from the environment (README "Configuration")."""

import json
import os
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_json(name: str, default: str) -> object:
    """A JSON value, such as ``[{"feature": "reports", ...}]``; refused by name when it is not JSON."""
    value = os.environ.get(name, "").strip() or default
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{name} must be JSON, such as {default}; got {value!r} ({exc})") from exc


def env_rate(name: str, default: str) -> str | None:
    """A rate limit like ``600/min`` (per second, min, hour or day); ``none`` (or ``off``) lifts it."""
    value = os.environ.get(name, "").strip() or default
    if value.lower() in {"none", "off"}:
        return None
    count, _, period = value.partition("/")
    if not count.isdigit() or period[:1] not in {"s", "m", "h", "d"}:
        raise ImproperlyConfigured(f"{name} must be like 600/min, or none; got {value!r}")
    return value


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production-attain"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "accounts.admin_config.AttainAdminConfig",  # django.contrib.admin, opened by the admin role (DESIGN §1)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "axes",
    "accounts",
    "adoption",
    "commissions",
    "approvals",
    "audit",
    "dashboards",
    "api",
    "demo",
    "webhooks",
    "incentives",
    "recognition",
]

MIDDLEWARE = [
    "config.health.HealthCheckMiddleware",
    # Before anything reads a request body: a body above MAX_UPLOAD_BYTES is refused with 413 unread.
    "config.uploads.UploadLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (CSS, scripts, plotly.js) straight from the app server: no CDN, no separate server.
    "config.staticfiles.StaticFilesMiddleware",
    # Pages compressed (a book's page is ~110 KB of HTML, ~16 KB gzipped); below whitenoise, which serves
    # static files already compressed. Django adds random padding against BREACH (Django 4.2 release notes).
    # API answers with an ETag stay uncompressed, so the tag stays strong for If-Match.
    "config.middleware.GZipKeepingVersionTags",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.history.HistoryMiddleware",
    # Our 404 page for pages (not /api/) with DEBUG on too, where Django would show its technical one.
    "config.middleware.FriendlyNotFoundMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-ins after repeated failures before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The largest file an import takes (and, with a small allowance for the form around it, the largest
# request body): 50 MB by default. Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count uploaded files.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 50 * 1024 * 1024)

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# One failure counter per account: the e-mail as stored (lower-case), not as typed.
AXES_USERNAME_CALLABLE = "accounts.emails.lockout_username"
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.rights",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for a writer instead of failing at once: the demo's web server and in-process tasks share one file.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Dates as Attain writes them everywhere (docs/design.md §6 "Formats"): ISO 2026-08-01. The locale's own
# formats win over DATE_FORMAT settings, so ours are a format module (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Our CSS and scripts, and the third-party files we ship (static/vendor/: Bootstrap, plotly.js): no CDN.
STATICFILES_DIRS = [BASE_DIR / "static"]
# DEBUG off (production, Docker, the Lighthouse benchmark): the files as `collectstatic` wrote them to
# STATIC_ROOT, under names holding a hash of their content, with gzip and brotli copies beside them; the
# pages name the hashed files, which browsers keep for a year (config/staticfiles.StaticFilesMiddleware;
# a file under its plain name for WHITENOISE_MAX_AGE, whitenoise's default of a minute). DEBUG on
# (development, tests): served straight from the source folders by the finders, nothing to collect.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Without collectstatic (development, tests) STATIC_ROOT does not exist; the finders serve everything.
warnings.filterwarnings("ignore", message="No directory at: ")

# --- Attain's own settings -------------------------------------------------------------------------------
FISCAL_YEAR_START_MONTH = env_int("FISCAL_YEAR_START_MONTH", 2)
if not 1 <= FISCAL_YEAR_START_MONTH <= 12:
    raise ImproperlyConfigured("FISCAL_YEAR_START_MONTH must be between 1 and 12.")
BASE_CURRENCY = os.environ.get("BASE_CURRENCY", "USD").upper()
# Year-end requests (issue 14): a Geo VP may file an exception or extra credit for a closed quarter of a
# fiscal year from the year's last pull (the first day after it ends) until this many days after it.
YEAR_END_WINDOW_DAYS = env_int("YEAR_END_WINDOW_DAYS", 60)
# Whom the plan handbook's FAQ names for questions (docs/handbook.md): about commissions and statements,
# and about adoption scores. Text as people should read it; an e-mail address alone becomes a mail link.
HANDBOOK_COMMISSION_CONTACT = os.environ.get(
    "HANDBOOK_COMMISSION_CONTACT", "Commission operations (the people with the ops role in Attain)"
)
HANDBOOK_ADOPTION_CONTACT = os.environ.get(
    "HANDBOOK_ADOPTION_CONTACT", "Customer Success operations, or your Geo VP"
)
# A SPIFF whose budget, in the base currency, is above this needs finance's approval besides the CCO's
# (docs/design.md §11.3); money, read as a decimal by incentives.services.spiffs.
SPIFF_FINANCE_APPROVAL_ABOVE = os.environ.get("SPIFF_FINANCE_APPROVAL_ABOVE", "10000.00")
# Points earned in a month M expire at the end of the last day of month M + this many months, unless their
# rule says otherwise (docs/design.md §11.4).
POINTS_EXPIRY_MONTHS = env_int("POINTS_EXPIRY_MONTHS", 12)
if POINTS_EXPIRY_MONTHS < 1:
    raise ImproperlyConfigured("POINTS_EXPIRY_MONTHS must be a whole number of months, 1 or more.")

# --- Celery: REDIS_URL set -> real broker; unset -> tasks run in-process (the zero-setup demo) --------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A message a worker took but never acknowledged (it was killed) goes back to the queue after this long.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
# Shards of a run have their own queue, so shard workers can be added on any machine (docs/scale-out.md).
CELERY_TASK_ROUTES = {"commissions.tasks.calculate_shard": {"queue": "shards"}}
# Calculations started from the console or the API split into this many shards (0 or 1: one process).
RUN_SHARDS = env_int("RUN_SHARDS", 0)
# Customer ranges a day of scorecard scores is split into over the workers (adoption/tasks.py); 0 or 1:
# computed in one process.
SCORECARD_SHARDS = env_int("SCORECARD_SHARDS", 0)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Portfolio KPIs (docs/kpis.md "Settings", docs/design.md §10) -------------------------------------------
KPI_UTILISATION_THRESHOLD = os.environ.get("KPI_UTILISATION_THRESHOLD", "0.60")  # ratio 0–1: "below 60 %"
KPI_RISE_POINTS = os.environ.get("KPI_RISE_POINTS", "10")  # percentage points: "+10 in 30 days"
KPI_RISE_DAYS = env_int("KPI_RISE_DAYS", 30)
KPI_WEEKLY_WEEKS = env_int("KPI_WEEKLY_WEEKS", 4)  # "active at least weekly" over this many weeks
KPI_TREND_WEEKS = env_int("KPI_TREND_WEEKS", 12)
# Key features "in the right way and frequency": JSON list of {"feature", "min_uses", "min_users", "weeks"}.
KPI_KEY_FEATURES = env_json("KPI_KEY_FEATURES", "[]")

# --- Webhooks (docs/webhooks.md): one request's timeout, tries before a delivery fails, the backoff -------
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10)  # seconds
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_RETRY_BASE = env_int("WEBHOOK_RETRY_BASE", 30)  # seconds before the 2nd try, doubled after each
WEBHOOK_RETRY_MAX = env_int("WEBHOOK_RETRY_MAX", 1800)  # the longest wait between tries (Retry-After too)

# --- Cache: the dashboards' projections (dashboards/projection.py); Redis when REDIS_URL is set -----------
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "attain",
        "TIMEOUT": 6 * 3600,
    }
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "attain",
        "TIMEOUT": 6 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 3000},
    }
}

# --- REST framework ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # The token class first: its WWW-Authenticate header makes an unauthenticated request a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # ?page_size= up to api.filters.MAX_PAGE_SIZE; a bad page, page size, filter or ordering is a 400.
    "DEFAULT_PAGINATION_CLASS": "api.filters.Pagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": [
        "api.filters.StrictFilterBackend",
        "api.filters.StrictOrderingFilter",
    ],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AttainAutoSchema",
    # Per person, and per address without a token (api/throttling.py); "none" lifts a limit. 429 beyond.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.UserThrottle", "api.throttling.AnonThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_rate("API_THROTTLE_USER", "600/min"),
        "anon": env_rate("API_THROTTLE_ANON", "60/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Attain API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Interactive docs from the installed sidecar package: no CDN (issue 6).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # 405, 415, 429, 500, 503 (and 401/403/404 where missing) on every operation, in the error shape.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_common_errors",
    ],
    # Fields named alike with other choices get a name each (else a hash suffix a generated client keeps).
    "ENUM_NAME_OVERRIDES": {
        "ImportKindEnum": "commissions.services.imports.KINDS",
        "ImportRecordStatusEnum": "commissions.models.ImportRecord.Status",
        "RequestKindEnum": "approvals.models.Request.Kind",
        "RequestStatusEnum": "approvals.models.Request.Status",
        "RunStatusEnum": "commissions.models.Run.Status",
        "PeriodStatusEnum": "commissions.models.Period.Status",
        "SnapshotStatusEnum": "adoption.models.Snapshot.Status",
        "DealTypeEnum": "commissions.models.Deal.Type",
        "ComponentMetricEnum": "commissions.models.Component.Metric",
        "RoleEnum": "accounts.models.Role",
    },
}

# --- Security: strict unless DEBUG ----------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:landing"  # to each person's own dashboard (DESIGN §1)
LOGOUT_REDIRECT_URL = "login"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "attain@localhost")
# The address people reach Attain at: e-mails carry absolute links built on it (core.links.absolute_url).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "config.logging_filters.RefusalsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Schedules (UTC, early on the 1st, away from daylight-saving changeovers) ---------------------------
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    "month-end-nudges": {
        "task": "recognition.tasks.month_end_nudges",
        "schedule": crontab(minute=0, hour=5, day_of_month=1),
    },
    "quarter-end": {
        "task": "commissions.tasks.quarter_end_tick",
        "schedule": crontab(minute=30, hour=4, day_of_month=1),
    },
    "reconcile-quarter-ends": {
        "task": "commissions.tasks.reconcile_quarter_ends",
        "schedule": crontab(minute=0, hour=6),
    },
    "compact-dashboards-input-log": {
        "task": "dashboards.tasks.compact_input_log",
        "schedule": crontab(minute=30, hour=5),
    },
    "purge-idempotency-keys": {
        "task": "api.tasks.purge_idempotency_keys",
        "schedule": crontab(minute=45, hour="*"),
    },
    "requeue-stalled-shards": {
        "task": "commissions.tasks.requeue_stalled_shards",
        "schedule": crontab(minute=15, hour="*"),
    },
    "sweep-import-jobs": {
        "task": "commissions.tasks.sweep_import_jobs",
        "schedule": crontab(minute=20, hour="*"),
    },
    "sweep-statement-archives": {
        "task": "dashboards.tasks.sweep_statement_archives",
        "schedule": crontab(minute=25, hour="*"),
    },
    "compute-daily-scores": {
        "task": "adoption.tasks.compute_daily_scores",
        "schedule": crontab(minute=10, hour=3),
    },
    "reconcile-daily-scores": {
        "task": "adoption.tasks.reconcile_daily_scores",
        "schedule": crontab(minute=40, hour=3),
    },
    # Yesterday's portfolio KPIs (then the steps reading them), after the scores and before the quarter-end.
    "compute-kpis-daily": {
        "task": "adoption.portfolio_tasks.compute_kpis_daily",
        "schedule": crontab(minute=50, hour=3),
    },
    "send-due-webhooks": {
        "task": "webhooks.tasks.send_due_webhooks",
        "schedule": crontab(minute="*/5"),
    },
    # Incentives (docs/incentives.md "Operations"): each idempotent, so a missed or repeated beat is harmless.
    # Approved rule SPIFFs' awards through yesterday; before the 1st's quarter-end job and nudges.
    "award-spiffs": {
        "task": "incentives.tasks.award_spiffs",
        "schedule": crontab(minute=5, hour=4),
    },
    # Points of the month just ended, every day of the next month (a late import still earns).
    "earn-points": {
        "task": "incentives.tasks.earn_monthly_points",
        "schedule": crontab(minute=10, hour=4),
    },
    # Points past their last day written off (expired at the end of that day).
    "expire-points": {
        "task": "incentives.tasks.expire_old_points",
        "schedule": crontab(minute=15, hour=4),
    },
}
PGHISTORY_CREATED_AT_FUNCTION = "clock_timestamp()"  # each change at its own time, not the transaction start
