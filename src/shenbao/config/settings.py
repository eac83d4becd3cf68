"""Settings, all from environment variables (12-factor).

``DATABASE_URL`` selects the database (SQLite file ``db.sqlite3`` by default);
``SHENBAO_SECRET_KEY`` and ``SHENBAO_DEBUG`` are read for production.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

# Lets admin and querysets be subscripted at run time, as the type stubs expect.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parents[3]
SRC_DIR = BASE_DIR / "src"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Off unless asked for: a server started without settings shows the bilingual error pages, never a traceback.
DEBUG = _bool("SHENBAO_DEBUG", False)


def _secret_key() -> str:
    """``SHENBAO_SECRET_KEY``; without it, a random key kept in ``var/secret_key`` (made on first use),
    so the demo and one-server installs keep their sessions across restarts.  Several app servers
    must share one key: set the variable there (docs/deploy.md)."""
    key = os.environ.get("SHENBAO_SECRET_KEY", "")
    if key:
        return key
    path = BASE_DIR / "var" / "secret_key"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = [h for h in os.environ.get("SHENBAO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # Before django_tasks_db: its `db_worker` command is ours (the same worker, with a heartbeat).
    "shenbao.cli",
    "django_tasks",
    "django_tasks_db",
    "shenbao.core",
    "shenbao.accounts",
    "shenbao.calls",
    "shenbao.eligibility",
    "shenbao.applications",
    "shenbao.reviews",
    "shenbao.awards",
    "shenbao.agreements",
    "shenbao.projects",
    "shenbao.documents",
    "shenbao.guides",
    "shenbao.notifications",
    "shenbao.web",
    "shenbao.api",
    # Log-in, sign-up, e-mail verification, password reset, rate limits, TOTP and institution sign-in
    # (issue 15): django-allauth, after our apps so our templates override its own.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

MIDDLEWARE = [
    # First: every later log line of the request carries its id.
    "shenbao.web.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "shenbao.web.csp.SiteCSPMiddleware",  # django-csp's, with the site-wide policy built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "shenbao.web.middleware.UploadLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "shenbao.web.two_factor.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "shenbao.config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "shenbao.web.notifications.bell",
            ],
        },
    },
    # Plain-text mails: the same templates, without HTML escaping (a title's quotes stay quotes).
    {
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# The site's own address, for the links in mails (no trailing slash).
SHENBAO_SITE_URL = os.environ.get("SHENBAO_SITE_URL", "http://localhost:8000")

WSGI_APPLICATION = "shenbao.config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("SHENBAO_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The zero-set-up default must survive a small rush (e.g. ten concurrent submissions): WAL lets
    # readers run beside the writer, IMMEDIATE takes the write lock when a transaction begins (no
    # "database is locked" when a read lock would have to be upgraded mid-transaction), and writers
    # wait up to 20 s for each other.  PostgreSQL stays the production database.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _caches(url: str, key_prefix: str) -> dict[str, Any]:
    """The default cache holds the abuse counters: log-in lock-out and sign-up limits (allauth), API
    throttles and the objection form's limit.  Without ``SHENBAO_CACHE_URL`` it is each process's own
    memory, which is right for one process only: with several app servers or workers every process
    counts alone, so an attacker gets the limit once per process.  ``SHENBAO_CACHE_URL`` (``redis://``,
    ``rediss://`` or ``unix://``) puts them in one Redis shared by all processes."""
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SHENBAO_CACHE_URL must be a redis://, rediss:// or unix:// address.")
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            # Several sites may share one Redis: each keeps its keys under its own prefix.
            "KEY_PREFIX": key_prefix,
            # A stuck Redis fails the request after a few seconds instead of holding the worker.
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
    }


CACHES = _caches(os.environ.get("SHENBAO_CACHE_URL", ""), os.environ.get("SHENBAO_CACHE_KEY_PREFIX", "shenbao"))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    # For Django's own callers (the test client's force_login); the site's log-ins go through allauth below.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Behind HTTPS (SHENBAO_HTTPS=1, as in docs/production.env.example): redirect HTTP, tell browsers to
# stay on HTTPS for a year, send cookies over HTTPS only, and trust the proxy's X-Forwarded-Proto.
HTTPS = _bool("SHENBAO_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
# The load balancer's probes may come over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = _bool("SHENBAO_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _bool("SHENBAO_BEHIND_PROXY", HTTPS) else None
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SHENBAO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "shenbao.web.errors.csrf_failure"

# Content security policy: our own scripts and styles only (htmx and the countdown are static files);
# inline styles stay allowed for the bar charts' widths and htmx's indicator style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:call_list"
LOGOUT_REDIRECT_URL = "web:call_list"

# Accounts (django-allauth): the e-mail address is the log-in and must be confirmed through a mailed
# link before the first log-in (and again when changed); sign-up answers the same whether or not the
# address has an account (the owner gets a mail instead); failed log-ins lock the address for a while.
ACCOUNT_ADAPTER = "shenbao.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "shenbao.accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "shenbao.accounts.forms.SignupDetailsForm"
ACCOUNT_FORMS = {"login": "shenbao.accounts.forms.LoginForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# A new account, once its address is confirmed, goes on to the profile that calls check.
ACCOUNT_SIGNUP_REDIRECT_URL = "web:profile"
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "web:profile"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[申报 Shenbao] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
#: Counted in the default cache (the one the API throttles share, see CACHES): "amount/period/per", see allauth.
ACCOUNT_RATE_LIMITS = {
    # Five wrong passwords for one address in five minutes lock it for the rest of the five
    # minutes, the right password included; one IP may fail twenty times a minute over all addresses.
    "login_failed": os.environ.get("SHENBAO_RATE_LOGIN_FAILED", "20/m/ip,5/5m/key"),
    "signup": os.environ.get("SHENBAO_RATE_SIGNUP", "10/h/ip"),
    "reset_password": "10/m/ip,3/5m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Shenbao 申报"
#: Program officers, administrators and admin-site users must set up TOTP before any staff page.
SHENBAO_REQUIRE_MFA_FOR_STAFF = _bool("SHENBAO_REQUIRE_MFA_FOR_STAFF", False)
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False


def _oidc_providers() -> dict[str, Any]:
    """Sign-in with an institution's OpenID Connect provider, only when SHENBAO_OIDC_SERVER_URL is set."""
    server = os.environ.get("SHENBAO_OIDC_SERVER_URL", "")
    if not server:
        return {}
    app = {
        "provider_id": os.environ.get("SHENBAO_OIDC_PROVIDER_ID", "institution"),
        "name": os.environ.get("SHENBAO_OIDC_NAME", "Institution"),
        "client_id": os.environ.get("SHENBAO_OIDC_CLIENT_ID", ""),
        "secret": os.environ.get("SHENBAO_OIDC_CLIENT_SECRET", ""),
        "settings": {"server_url": server, "fetch_userinfo": True, "oauth_pkce_enabled": True},
    }
    return {"openid_connect": {"APPS": [app], "OAUTH_PKCE_ENABLED": True}}


SOCIALACCOUNT_PROVIDERS = _oidc_providers()

# English is the source language of the code; Simplified Chinese is the default for users.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve app static files straight from the apps, so the demo needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("SHENBAO_MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"


def _storages(kind: str) -> dict[str, Any]:
    """Where uploads, signed agreements, report evidence and stored PDFs go: ``SHENBAO_STORAGE=local``
    (the default: files under ``MEDIA_ROOT``, right for one machine and for ``make demo``) or ``s3``
    (any object store that speaks the S3 API: MinIO, Ceph, the public clouds' stores), shared by every
    app server and worker.  Code reaches files only through Django's storage API, never by path."""
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    if kind == "local":
        return {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}, "staticfiles": static}
    if kind != "s3":
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SHENBAO_STORAGE must be local or s3.")
    bucket = os.environ.get("SHENBAO_S3_BUCKET", "")
    if not bucket:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SHENBAO_STORAGE=s3 needs SHENBAO_S3_BUCKET.")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Empty: the endpoint of the region on AWS; set it for MinIO, Ceph or another cloud's store.
        "endpoint_url": os.environ.get("SHENBAO_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("SHENBAO_S3_REGION") or None,
        # Empty keys: boto3's own chain (instance role, AWS_* variables, ~/.aws).
        "access_key": os.environ.get("SHENBAO_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("SHENBAO_S3_SECRET_ACCESS_KEY") or None,
        # "path" for MinIO and most self-hosted stores, "virtual" for the clouds that require it.
        "addressing_style": os.environ.get("SHENBAO_S3_ADDRESSING_STYLE", "path"),
        "signature_version": "s3v4",
        # Keys under a prefix, so one bucket may hold several sites or a backup beside them.
        "location": os.environ.get("SHENBAO_S3_PREFIX", ""),
        # Private objects: read only through a signed URL handed out by a permission-checked view.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": int(os.environ.get("SHENBAO_S3_URL_SECONDS", "300")),
        # A name already taken gets a new one: a revision's file is never overwritten.
        "file_overwrite": False,
    }
    return {"default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, "staticfiles": static}


#: ``local`` or ``s3`` (see _storages and docs/deploy.md).
SHENBAO_STORAGE = os.environ.get("SHENBAO_STORAGE", "local").strip().lower()
STORAGES = _storages(SHENBAO_STORAGE)


def _downloads(value: str, storage: str) -> str:
    """How a permission-checked download hands over a stored file: ``redirect`` to a short-lived signed
    URL of the object store (the app server carries no file bytes; the default with s3) or ``stream``
    the bytes through the app server (the only way for local files; with s3, for stores the browsers
    cannot reach)."""
    chosen = value.strip().lower() or ("redirect" if storage == "s3" else "stream")
    if chosen not in {"redirect", "stream"} or (chosen == "redirect" and storage != "s3"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SHENBAO_DOWNLOADS must be stream, or redirect with SHENBAO_STORAGE=s3.")
    return chosen


SHENBAO_DOWNLOADS = _downloads(os.environ.get("SHENBAO_DOWNLOADS", ""), SHENBAO_STORAGE)
# LibreOffice for reading Word attachments as PDF in the review page ("": look for soffice on the PATH).
SHENBAO_SOFFICE = os.environ.get("SHENBAO_SOFFICE", "")
#: Any request body above this is refused before it is read (the largest document is 2 GB).
SHENBAO_MAX_REQUEST_MB = int(os.environ.get("SHENBAO_MAX_REQUEST_MB", "2100"))
#: Routes that take no files (forms, JSON) refuse a body above this; uploads have their own limits.
SHENBAO_MAX_FORM_BODY_MB = int(os.environ.get("SHENBAO_MAX_FORM_BODY_MB", "4"))
#: Guide import: an upload, or its text, above this many KB is read and extracted in the background
#: (a django-tasks task) while the page shows its progress; smaller ones are imported in the request.
SHENBAO_GUIDE_INLINE_MAX_KB = int(os.environ.get("SHENBAO_GUIDE_INLINE_MAX_KB", "200"))
#: Staff exports of a call with more applications than this are prepared in the background (the page
#: shows progress and offers the file when ready); the zip of PDFs always is.
SHENBAO_EXPORT_INLINE_MAX_APPLICATIONS = int(os.environ.get("SHENBAO_EXPORT_INLINE_MAX_APPLICATIONS", "2000"))
# A stage with more applications in review than this is assigned by the task worker (progress on the board).
SHENBAO_ASSIGN_INLINE_MAX_APPLICATIONS = int(os.environ.get("SHENBAO_ASSIGN_INLINE_MAX_APPLICATIONS", "2000"))
# A call with more ranked applications than this is selected by the task worker (progress on the results page).
SHENBAO_SELECT_INLINE_MAX_APPLICATIONS = int(os.environ.get("SHENBAO_SELECT_INLINE_MAX_APPLICATIONS", "2000"))
# Files prepared in the background are removed this many days after they were ready (manage.py purge_file_jobs).
SHENBAO_FILE_JOB_RETENTION_DAYS = int(os.environ.get("SHENBAO_FILE_JOB_RETENTION_DAYS", "7"))

EMAIL_BACKEND = os.environ.get("SHENBAO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("SHENBAO_FROM_EMAIL", "noreply@shenbao.invalid")

# Background work (mail, reminders, deadline jobs): the database queue, run by `manage.py db_worker`.
# SHENBAO_TASKS_BACKEND=immediate runs each task at once in the process that queues it (tests, scripts).
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[os.environ.get("SHENBAO_TASKS_BACKEND", "database")]
    }
}

#: A task worker records it is alive this often (``db_worker``); ``/readyz`` fails after six missed beats.
SHENBAO_WORKER_HEARTBEAT_SECONDS = int(os.environ.get("SHENBAO_WORKER_HEARTBEAT_SECONDS", "10"))
#: ``/readyz`` checks the worker heartbeat unless this is 0 (a site whose workers are watched elsewhere).
SHENBAO_READYZ_WORKER = _bool("SHENBAO_READYZ_WORKER", True)

#: ``text`` (the default) or ``json``: one JSON object per line, for a log collector (core/logs.py).
SHENBAO_LOG_FORMAT = os.environ.get("SHENBAO_LOG_FORMAT", "text").strip().lower()
if SHENBAO_LOG_FORMAT not in {"text", "json"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SHENBAO_LOG_FORMAT must be text or json.")

# Every line carries the request id (``-`` outside a request); SHENBAO_LOG_LEVEL=INFO adds one line per request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "shenbao.core.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "shenbao.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": SHENBAO_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHENBAO_LOG_LEVEL", "WARNING")},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "shenbao.api.authentication.TokenAuthentication",
        "shenbao.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "shenbao.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "shenbao.api.throttling.UserBurstThrottle",
        "shenbao.api.throttling.UserDailyThrottle",
        "shenbao.api.throttling.AnonymousThrottle",
    ],
    "EXCEPTION_HANDLER": "shenbao.api.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
#: API rate limits (see api/throttling.py); "N/second|minute|hour|day", or None for no limit.
SHENBAO_API_RATES = {
    "user_burst": os.environ.get("SHENBAO_API_RATE_USER_BURST", "120/minute"),
    "user_day": os.environ.get("SHENBAO_API_RATE_USER_DAY", "5000/day"),
    "anonymous": os.environ.get("SHENBAO_API_RATE_ANONYMOUS", "30/minute"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shenbao API",
    "DESCRIPTION": (
        "Calls, applications (team, invitations, partners, attachments, amendments, withdrawal), rule results, "
        "formal-check decisions, review stages, assignments, reviews and rankings."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "shenbao.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AssignmentStatusEnum": "shenbao.reviews.enums.AssignmentStatus",
        "CallStatusEnum": "shenbao.calls.enums.CALL_STATUS_CHOICES",
        "InvitationStatusEnum": "shenbao.applications.enums.InvitationStatus",
        "ReportKindEnum": "shenbao.projects.enums.ReportKind",
        "ChangeKindEnum": "shenbao.projects.enums.ChangeKind",
    },
}
