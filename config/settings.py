"""Django settings for Brace, read from the environment.

Defaults are production-safe: with DEBUG off, SECRET_KEY, BRACE_ENCRYPTION_KEY
and ALLOWED_HOSTS must be given, HTTP is redirected to HTTPS (with HSTS),
cookies are secure and private network addresses are closed to queries.
`make run` sets DEBUG=1 and development keys; README.md lists every variable.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from config.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_networks,
    env_rate,
    env_str,
)

# Django's generic classes (ModelAdmin, ModelForm, ...) take their type
# arguments at run time too, as `admin.ModelAdmin[Application]`.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BRACE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "brace-development-only-secret-key-do-not-use-in-production"  # noqa: S105

# The key that encrypts client secrets, tokens and PKCE verifiers at rest. Kept
# apart from SECRET_KEY so that rotating sessions does not lose every token.
BRACE_ENCRYPTION_KEY = env_str("BRACE_ENCRYPTION_KEY")
if not BRACE_ENCRYPTION_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("BRACE_ENCRYPTION_KEY must be set when DEBUG is off.")
    BRACE_ENCRYPTION_KEY = "brace-development-only-encryption-key"
CRYPTOGRAPHY_KEY = BRACE_ENCRYPTION_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Behind a TLS-terminating proxy, trust X-Forwarded-Proto; never otherwise,
# because the OAuth redirect URL is built from the request's scheme.
BRACE_BEHIND_PROXY = env_bool("BRACE_BEHIND_PROXY", False)
if BRACE_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
# When set (e.g. https://brace.example.com), absolute URLs such as the OAuth
# callback use it instead of the request's host.
BRACE_PUBLIC_URL = env_str("BRACE_PUBLIC_URL").rstrip("/")

# Production is HTTPS only: its cookies are Secure, so sign-in cannot work
# over plain HTTP anyway. Behind a TLS-terminating proxy, BRACE_BEHIND_PROXY
# is what lets Django see the request was HTTPS (or the redirect would loop).
SECURE = not DEBUG
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SECURE)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SECURE)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if SECURE else 0)
# Covering every subdomain, and asking browsers to preload the domain, are
# decisions about the whole domain, not Brace's host: off unless set, and
# `check --deploy` does not warn about them (security.W005, security.W021).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
# A load balancer probes each instance over plain HTTP (config/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp) on every response: scripts, styles and
# connections from Brace's own origin only, no inline script or style, no
# plugins, no framing. The editor, the portal, the sign-in pages and the
# admin (whose Django 5.2 templates keep their scripts in files) all run under
# it; only the API docs page adds the CDN its Swagger UI comes from
# (config/urls.py). `data:` images: the pages' empty favicon.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "csp",
    "workspaces",
    "widgets",
    "runtime",
    "datasources",
    "builder",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /healthz and /readyz, answered before host validation, sessions and auth.
    "config.health.HealthProbeMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every request but the probes and static files, timed through all that follows.
    "metrics.middleware.RequestMetricsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ],
        },
    },
]

# SQLite is the embedded default; WAL and IMMEDIATE transactions let the web,
# worker and beat processes share it without "database is locked" on writes.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'brace.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")

# Shared across processes in both modes: Redis when there is one, files otherwise.
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/editor/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "config.static_storage.BraceStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Uploads above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Request bodies (JSON) larger than this are refused before parsing; layouts
# are capped lower, with a clear error, by the builder.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "restapi.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["builder.api.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "builder.api.errors.exception_handler",
    "DEFAULT_METADATA_CLASS": "restapi.defaults.ViewMetadata",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # The client address throttles see: the proxy's X-Forwarded-For entry
    # behind one, REMOTE_ADDR otherwise (never a header the client chose).
    "NUM_PROXIES": 1 if BRACE_BEHIND_PROXY else 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Brace API",
    "DESCRIPTION": "Editor and portal runtime API of Brace.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Two fields share this choice set (token placement, API key location).
    "ENUM_NAME_OVERRIDES": {
        "TokenPlacementEnum": "datasources.models.TokenPlacement",
        "PropertyValueTypeEnum": "widgets.schema.ValueType",
        "TypeEnum": "datasources.models.AuthType",
    },
}

# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport,
# so the embedded default still runs a real worker and beat (nothing inline).
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost//"  # a host, or kombu warns
CELERY_RESULT_BACKEND = REDIS_URL or f"file://{VAR_DIR / 'celery' / 'results'}"
# Redis hands a message a worker took but did not acknowledge (acks_late: a task
# is acknowledged when it ends) to a worker again after this many seconds: how
# long a job whose worker died waits to be resumed. Longer than one upload
# chunk takes and than BRACE_JOB_LEASE_S, so that the copy of a message whose
# worker is alive finds the job's lease held and waits (builder.portal.job_lease).
BRACE_CELERY_VISIBILITY_TIMEOUT_S = env_int("BRACE_CELERY_VISIBILITY_TIMEOUT_S", 900)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object]
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": BRACE_CELERY_VISIBILITY_TIMEOUT_S,
        # Workers look for such messages every interval seconds (kombu's default
        # 10 s x a throttle of 10 would add over a minute and a half to each).
        "unacked_restore_interval": max(1, min(10, BRACE_CELERY_VISIBILITY_TIMEOUT_S // 10)),
        "unacked_restore_throttle": 1,
    }
else:
    _queue = VAR_DIR / "celery" / "queue"
    # The filesystem transport needs its folders; the embedded default should
    # start on a fresh clone without a setup step.
    for _folder in ("queue", "processed", "results", "control"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Exchange bindings; the default is a folder named "control" in the cwd.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Two queues, so that a flood of long uploads never delays a token refresh:
# `uploads` carries the portal's background events (minutes each), `upkeep`
# the beat's short housekeeping (refreshes, purges) and any task not routed.
# Production runs a worker per queue (Procfile.production: `-Q uploads`,
# `-Q upkeep`); a worker started without -Q, as `make run`'s, consumes both.
# Every worker takes one message at a time and acknowledges it after the task
# ends (the two settings above), so an upload a worker dies in is redelivered,
# and a worker busy with one upload holds no other message back.
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name, type="direct"), routing_key=name) for name in ("uploads", "upkeep")
]
CELERY_TASK_DEFAULT_QUEUE = "upkeep"
CELERY_TASK_ROUTES = {
    "builder.tasks.run_event_job": {"queue": "uploads"},
    "builder.tasks.purge_*": {"queue": "upkeep"},
    "builder.tasks.resume_*": {"queue": "upkeep"},
    "datasources.tasks.*": {"queue": "upkeep"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    "refresh-expiring-oauth2-tokens": {
        "task": "datasources.tasks.refresh_expiring_tokens",
        "schedule": env_float("BRACE_TOKEN_REFRESH_INTERVAL_S", 60.0),
    },
    "purge-expired-runtime-files": {
        "task": "builder.tasks.purge_expired_runtime_files",
        "schedule": 300.0,
    },
    "purge-finished-event-jobs": {
        "task": "builder.tasks.purge_finished_event_jobs",
        "schedule": 3600.0,
    },
    "resume-orphaned-event-jobs": {
        "task": "builder.tasks.resume_orphaned_event_jobs",
        "schedule": 60.0,
    },
}

# Sign-in attempts per client address: token, browser and admin login together.
BRACE_LOGIN_RATE = env_rate("BRACE_LOGIN_RATE", "20/min")
# Portal events and page loads per signed-in user, across every process
# (counted in the cache: Redis in production, files in the embedded default).
BRACE_PORTAL_EVENT_RATE = env_rate("BRACE_PORTAL_EVENT_RATE", "120/min")

# JavaScript sandbox. js2py is unsafe for untrusted code and only an option.
BRACE_JS_ENGINE = env_str("BRACE_JS_ENGINE", "quickjs")
BRACE_JS_TIME_LIMIT_MS = env_int("BRACE_JS_TIME_LIMIT_MS", 1000)
BRACE_JS_MEMORY_LIMIT_MB = env_int("BRACE_JS_MEMORY_LIMIT_MB", 64)
# Pages per process whose last draft the editor's evaluate keeps compiled, so
# that a change recompiles only what it changed (0: compile every draft whole).
BRACE_EDITOR_CACHE_PAGES = env_int("BRACE_EDITOR_CACHE_PAGES", 4)

# Outbound calls (queries; OAuth token, refresh and revocation endpoints):
# private network ranges are closed unless opened on purpose (link-local and
# cloud metadata addresses are closed always). datasources.transport.outbound_policy
# builds the policy from ALLOW_PRIVATE and MAX_REDIRECTS.
BRACE_OUTBOUND_ALLOW_PRIVATE = env_bool("BRACE_OUTBOUND_ALLOW_PRIVATE", DEBUG)
BRACE_QUERY_MAX_RESPONSE_BYTES = env_int("BRACE_QUERY_MAX_RESPONSE_BYTES", 10 * 1024 * 1024)
BRACE_QUERY_MAX_REDIRECTS = env_int("BRACE_QUERY_MAX_REDIRECTS", 5)

# OAuth 2.0
BRACE_OAUTH_STATE_TTL_S = env_int("BRACE_OAUTH_STATE_TTL_S", 600)
BRACE_OAUTH_HTTP_TIMEOUT_S = env_float("BRACE_OAUTH_HTTP_TIMEOUT_S", 15.0)

# Runtime files picked in portals, deleted after this many seconds.
BRACE_RUNTIME_FILE_TTL_S = env_int("BRACE_RUNTIME_FILE_TTL_S", 3600)
# Largest file an end user may pick: a body over it plus a multipart envelope is
# refused from its Content-Length before Django spools it, a file over it after;
# each FilePicker's maxFileSize applies too.
BRACE_RUNTIME_FILE_MAX_BYTES = env_int("BRACE_RUNTIME_FILE_MAX_BYTES", 1024**3)
# What one user keeps stored in one application at a time (files not yet
# expired): over it an upload answers 429 (files) or 413 (bytes). A FilePicker
# picked again replaces its earlier picks, so these bound what piles up.
BRACE_RUNTIME_FILES_MAX_PER_USER_APP = env_int("BRACE_RUNTIME_FILES_MAX_PER_USER_APP", 100)
BRACE_RUNTIME_BYTES_MAX_PER_USER_APP = env_int("BRACE_RUNTIME_BYTES_MAX_PER_USER_APP", 2 * 1024**3)
# An event whose picked files total more than this runs on the Celery worker,
# so that no web process waits on a long upload; the portal polls the job.
BRACE_EVENT_BACKGROUND_BYTES = env_int("BRACE_EVENT_BACKGROUND_BYTES", 8 * 1024 * 1024)
# A picked file larger than THRESHOLD, sent to an API whose preset declares a
# chunked-upload protocol (Dropbox's files/upload), goes through an upload
# session in chunks of CHUNK bytes (Dropbox: a multiple of 4 MiB, at most 150 MB).
# Checked at start-up (runtime.checks).
BRACE_UPLOAD_SESSION_THRESHOLD_BYTES = env_int(
    "BRACE_UPLOAD_SESSION_THRESHOLD_BYTES", 150 * 1024 * 1024
)
# 64 MiB: each request of a session waits for its answer before the next
# starts. On loopback at load ~1, 8 MiB chunks (128 requests a GiB) sent a
# 1 GiB file at 0.44x curl's throughput, 64 MiB (16 requests) at 0.82x
# (bench/RESULTS.md, "upload"); over a real network each round trip costs
# more. Memory does not grow with it: chunks stream. Smaller chunks resend
# less on a retry or a resume and move the progress bar in finer steps.
BRACE_UPLOAD_SESSION_CHUNK_BYTES = env_int("BRACE_UPLOAD_SESSION_CHUNK_BYTES", 64 * 1024 * 1024)
# Each step of an upload session is sent up to ATTEMPTS times when it meets a
# 429, a 5xx or a dropped connection, waiting a jittered exponential backoff
# from BASE_DELAY_S, at most MAX_DELAY_S (also the most of a Retry-After that
# is honoured). runtime.http.retry; checked at start-up (runtime.checks).
BRACE_UPLOAD_RETRY_ATTEMPTS = env_int("BRACE_UPLOAD_RETRY_ATTEMPTS", 5)
BRACE_UPLOAD_RETRY_BASE_DELAY_S = env_float("BRACE_UPLOAD_RETRY_BASE_DELAY_S", 0.5)
BRACE_UPLOAD_RETRY_MAX_DELAY_S = env_float("BRACE_UPLOAD_RETRY_MAX_DELAY_S", 30.0)
# A worker running a background job holds it by a lease of this many seconds,
# renewed at each confirmed chunk and while file bytes stream: a copy of the
# job's message delivered meanwhile leaves it alone; once the lease has run
# out (the worker died) the next delivery takes the job over and resumes it.
# Must exceed the time one chunk takes to send.
BRACE_JOB_LEASE_S = env_float("BRACE_JOB_LEASE_S", 120.0)
# Runs a job gets (workers lost) before it fails for good; a retry from the admin resets it.
BRACE_JOB_MAX_ATTEMPTS = env_int("BRACE_JOB_MAX_ATTEMPTS", 5)

# Prometheus metrics at /metrics (docs/metrics.md): off (404) unless a bearer
# token or allowed networks are set; with both, a scrape needs both.
BRACE_METRICS_TOKEN = env_str("BRACE_METRICS_TOKEN")
BRACE_METRICS_ALLOWED_NETWORKS = env_networks("BRACE_METRICS_ALLOWED_NETWORKS")
# Multiprocess mode (PROMETHEUS_MULTIPROC_DIR): the metrics directories of the
# host's other processes (its Celery workers) that /metrics adds to its own.
BRACE_METRICS_MERGE_DIRS = env_list("BRACE_METRICS_MERGE_DIRS", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # httpx logs every request URL at INFO; a token placed in the query
        # string would end up in the log.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
