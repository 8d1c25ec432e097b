"""Settings for the X-Platform console, driven by environment variables.

There is one settings file. Every difference between a laptop demo, CI and a
production deployment comes from the environment (README, "Configuration").
A malformed value raises ImproperlyConfigured naming the variable.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from xplatform_console.env import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_secret,
    env_secret_list,
    env_str,
)
from xplatform_console.logging_config import format_from_environment, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DJANGO_DEBUG", False)


def _local_secret(name: str, make: Any) -> str:
    """Return a secret kept in the git-ignored var/local-secrets.json.

    Only used when DEBUG is on (the local demo), so a laptop run needs no
    setup and keeps its sessions and encrypted credentials across restarts.
    """
    path = VAR_DIR / "local-secrets.json"
    VAR_DIR.mkdir(exist_ok=True)
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    if name not in stored:
        stored[name] = make()
        path.write_text(json.dumps(stored, indent=2), encoding="utf-8")
        path.chmod(0o600)
    return stored[name]


SECRET_KEY = env_secret("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(or DJANGO_SECRET_KEY_FILE naming a file that holds it)."
        )
    SECRET_KEY = _local_secret("DJANGO_SECRET_KEY", lambda: secrets.token_urlsafe(50))
# Earlier keys, still accepted for signatures (sessions stay signed in while
# a new key rolls out; docs/deployment.md, "Key rotation").
SECRET_KEY_FALLBACKS = env_secret_list("DJANGO_SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# A stale form gets a page in the console's words, never Django's raw 403.
CSRF_FAILURE_VIEW = "interactions.views.csrf_failure"
# Proxies whose X-Forwarded-For is believed (addresses or CIDR networks);
# empty: the peer address is the client (interactions/client_address.py).
XPC_TRUSTED_PROXIES = env_list("XPC_TRUSTED_PROXIES", [])
for _proxy in XPC_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"XPC_TRUSTED_PROXIES must list IP addresses or networks such as "
            f"10.0.0.0/8; {_proxy!r} is neither."
        ) from None

INSTALLED_APPS = [
    # Django's admin with the console's site: second factor required
    # (docs/security.md, R-AC-07).
    "interactions.identity.admin_apps.ConsoleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "auditlog",
    "csp",
    "interactions",
    "django_otp",
    "interactions.identity.admin_apps.AuthenticatorConfig",
    "interactions.identity.admin_apps.RecoveryCodeConfig",
    "interactions.identity.admin_apps.LockoutConfig",
    "interactions.identity",
]

MIDDLEWARE = [
    # First: every answer, probes included, carries its request ID.
    "interactions.middleware.RequestIdMiddleware",
    # /healthz and /readyz answer here, before the HTTPS redirect and the Host
    # check: probes call the instance's own address over plain HTTP.
    "interactions.health.HealthProbeMiddleware",
    # After the probes (not counted): the timing covers every other middleware.
    "interactions.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names and long cache headers (docs/deployment.md).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the user's choice (the cookie set_language sets) or the
    # browser's Accept-Language; English otherwise (docs/i18n.md).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "interactions.middleware.IdleTimeoutMiddleware",
    "interactions.middleware.PermissionCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "interactions.middleware.FrameAncestorsMiddleware",
    "csp.middleware.CSPMiddleware",
    # auditlog's own reads X-Forwarded-For from anyone; this one uses client_ip.
    "interactions.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: it turns a lockout into the sign-in page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xplatform_console.urls"
WSGI_APPLICATION = "xplatform_console.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                # The person's colour theme, as data-theme on <html> (issue 14).
                "interactions.preferences.theme_context",
            ],
        },
    },
    # The interaction page's sections and the frame every page shares, in
    # Jinja2: a page's largest CPU cost in Django's engine
    # (interactions/section_templates.py).
    {
        "NAME": "sections",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "interactions.section_templates.environment"},
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
_DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
_database_url = env_secret("DATABASE_URL", _DEFAULT_DATABASE_URL)
try:
    _database = dj_database_url.parse(_database_url, conn_max_age=60)
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid URL: {exc}") from None
if not _database.get("ENGINE"):
    raise ImproperlyConfigured("DATABASE_URL names an unknown database scheme.")
if _database["ENGINE"] == "django.db.backends.sqlite3" and _database_url.startswith(
    f"sqlite:///{VAR_DIR}"
):
    VAR_DIR.mkdir(exist_ok=True)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the access-log writer work at once; NORMAL sync is
    # safe in WAL mode and keeps each small write from waiting on fsync.
    _database.setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
# Connections (docs/deployment.md, "Database connections"): a connection is
# checked before reuse, and on PostgreSQL XPC_DB_POOL_MAX turns on psycopg's
# pool, one per process, shared by its threads (Django needs CONN_MAX_AGE 0).
_database["CONN_HEALTH_CHECKS"] = True
XPC_DB_POOL_MAX = env_int("XPC_DB_POOL_MAX", 0, minimum=0)
if XPC_DB_POOL_MAX:
    if _database["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "XPC_DB_POOL_MAX applies to PostgreSQL only (a postgres:// "
            "DATABASE_URL); leave it unset for this database."
        )
    _pool_min = env_int("XPC_DB_POOL_MIN", min(2, XPC_DB_POOL_MAX), minimum=0)
    if _pool_min > XPC_DB_POOL_MAX:
        raise ImproperlyConfigured(
            f"XPC_DB_POOL_MIN must be at most XPC_DB_POOL_MAX "
            f"({XPC_DB_POOL_MAX}); got {_pool_min}."
        )
    _database["CONN_MAX_AGE"] = 0
    _database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": _pool_min,
        "max_size": XPC_DB_POOL_MAX,
        # A request waits this long for a free connection, then fails (500).
        "timeout": env_float("XPC_DB_POOL_TIMEOUT", 10.0),
    }
# Behind pgbouncer in transaction mode (docs/deployment.md).
_database["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
    "XPC_DB_DISABLE_SERVER_SIDE_CURSORS", False
)
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Optional Redis for shared cache, counters and lockouts.
REDIS_URL = env_secret("REDIS_URL", "")
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "REDIS_URL must start with redis://, rediss:// or unix://."
        )
    # A Redis outage degrades to misses and local counters, never a 500; the
    # short timeouts bound each wait (interactions/resilient_cache.py).
    _redis_timeout = env_float("XPC_REDIS_SOCKET_TIMEOUT", 0.5)
    _redis_cache: dict[str, Any] = {
        "BACKEND": "interactions.resilient_cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "xpc",
        "OPTIONS": {
            "socket_connect_timeout": _redis_timeout,
            "socket_timeout": _redis_timeout,
        },
    }
    CACHES = {"default": _redis_cache}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "xplatform-console",
        }
    }

# Each user's permissions kept this long in the cache between requests, under
# a generation every role change replaces (interactions/permission_cache.py);
# off without Redis, where processes share no memory.
XPC_PERMISSION_CACHE_SECONDS = env_int(
    "XPC_PERMISSION_CACHE_SECONDS", 300 if REDIS_URL else 0, minimum=0
)

# Authentication
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Axes first (its AxesStandaloneBackend, subclassed): it refuses a locked-out
# user name before any password hash (docs/security.md, R-AC-03).
AUTHENTICATION_BACKENDS = [
    "interactions.identity.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "interactions:home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on with OpenID Connect, off unless XPC_OIDC_CLIENT_ID is set
# (README, "Single sign-on"; docs/security.md, "Single sign-on").
XPC_LOCAL_LOGIN = env_str("XPC_LOCAL_LOGIN", "all")
if XPC_LOCAL_LOGIN not in {"all", "admins"}:
    raise ImproperlyConfigured(
        f"XPC_LOCAL_LOGIN must be 'all' or 'admins'; got {XPC_LOCAL_LOGIN!r}."
    )
XPC_OIDC_PROVIDER_NAME = env_str("XPC_OIDC_PROVIDER_NAME", "single sign-on")
XPC_OIDC_GROUPS_CLAIM = env_str("XPC_OIDC_GROUPS_CLAIM", "groups")
XPC_OIDC_CLOCK_SKEW = env_int("XPC_OIDC_CLOCK_SKEW", 60, minimum=0)
OIDC_RP_CLIENT_ID = env_str("XPC_OIDC_CLIENT_ID", "")


def _oidc_url(name: str, *, required: bool = True) -> str:
    """An https:// URL (plain http only on loopback, for a local provider)."""
    value = env_str(name, "")
    if not value and required and OIDC_RP_CLIENT_ID:
        raise ImproperlyConfigured(f"{name} must be set when XPC_OIDC_CLIENT_ID is.")
    loopback = re.match(r"http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/|$)", value)
    if value and not (value.startswith("https://") or loopback):
        raise ImproperlyConfigured(
            f"{name} must be an https:// URL (http:// only on loopback); got {value!r}."
        )
    return value


OIDC_OP_ISSUER = _oidc_url("XPC_OIDC_ISSUER")
OIDC_OP_AUTHORIZATION_ENDPOINT = _oidc_url("XPC_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = _oidc_url("XPC_OIDC_TOKEN_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = _oidc_url("XPC_OIDC_JWKS_ENDPOINT")
OIDC_OP_USER_ENDPOINT = _oidc_url("XPC_OIDC_USERINFO_ENDPOINT", required=False)
XPC_OIDC_END_SESSION_ENDPOINT = _oidc_url(
    "XPC_OIDC_END_SESSION_ENDPOINT", required=False
)
OIDC_RP_CLIENT_SECRET = env_secret("XPC_OIDC_CLIENT_SECRET", "")
if OIDC_RP_CLIENT_ID and not OIDC_RP_CLIENT_SECRET:
    raise ImproperlyConfigured(
        "XPC_OIDC_CLIENT_SECRET (or XPC_OIDC_CLIENT_SECRET_FILE) must be set "
        "when XPC_OIDC_CLIENT_ID is."
    )
OIDC_RP_SIGN_ALGO = env_str("XPC_OIDC_SIGN_ALGO", "RS256")
if OIDC_RP_SIGN_ALGO not in {"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"}:
    raise ImproperlyConfigured(
        f"XPC_OIDC_SIGN_ALGO must be RS256/384/512 or ES256/384/512 (keys from "
        f"the provider's JWKS); got {OIDC_RP_SIGN_ALGO!r}."
    )
OIDC_RP_SCOPES = env_str("XPC_OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = bool(XPC_OIDC_END_SESSION_ENDPOINT)  # the logout hint
OIDC_TIMEOUT = (3.05, 10)
OIDC_OP_LOGOUT_URL_METHOD = "interactions.identity.sso.provider_logout_url"
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("interactions.identity.sso.ConsoleOIDCBackend")
elif XPC_LOCAL_LOGIN == "admins":
    raise ImproperlyConfigured(
        "XPC_LOCAL_LOGIN=admins needs single sign-on: set XPC_OIDC_CLIENT_ID "
        "and the other XPC_OIDC_* settings, or XPC_LOCAL_LOGIN=all."
    )

# API tokens (interactions/identity; docs/security.md R-AC-05): every token
# expires, by default after XPC_API_TOKEN_DAYS, never later than the maximum.
XPC_API_TOKEN_MAX_DAYS = env_int("XPC_API_TOKEN_MAX_DAYS", 365, minimum=1)
XPC_API_TOKEN_DAYS = env_int("XPC_API_TOKEN_DAYS", 90, minimum=1)
if XPC_API_TOKEN_DAYS > XPC_API_TOKEN_MAX_DAYS:
    raise ImproperlyConfigured(
        f"XPC_API_TOKEN_DAYS must be at most XPC_API_TOKEN_MAX_DAYS "
        f"({XPC_API_TOKEN_MAX_DAYS}); got {XPC_API_TOKEN_DAYS}."
    )

# Sessions and cookies (docs/security.md, R-DJ-04)
# In the database only: never a per-process cache (a session signed out on one
# process stayed signed in on the others) nor Redis (an outage must not sign
# anyone out or back in). One primary-key read per request (docs/security.md),
# Django's database store read with a plain statement (interactions/sessions.py).
SESSION_ENGINE = "interactions.sessions"
SESSION_COOKIE_AGE = 36_000  # one 10-hour shift
XPC_SESSION_IDLE_TIMEOUT = env_int("XPC_SESSION_IDLE_TIMEOUT", 3600, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG

# Embedding in a contact-centre desktop (empty: not frameable; R-DJ-07)
FRAME_ANCESTORS = env_list("FRAME_ANCESTORS", [])
SESSION_COOKIE_SAMESITE = "None" if FRAME_ANCESTORS else "Lax"
CSRF_COOKIE_SAMESITE = "None" if FRAME_ANCESTORS else "Lax"
X_FRAME_OPTIONS = "DENY"

# Security headers (R-DJ-03)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    # Only behind a proxy that overwrites X-Forwarded-Proto on every request.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # HSTS subdomains and preload are per-deployment and hard to undo
    # (docs/security.md, R-DJ-01; owner: operations).
    "security.W005",
    "security.W021",
]
# Belt and braces: HealthProbeMiddleware answers these before the redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if not SECURE_SSL_REDIRECT:
    # Deployments that turn the redirect off do it at the load balancer.
    SILENCED_SYSTEM_CHECKS.append("security.W008")

# Content-Security-Policy (R-DJ-08)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # blob: for photos the page fetches itself to read their failure reason.
        "img-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": FRAME_ANCESTORS or [NONE],
    }
}

# Internationalisation
# English is the default: a browser that asks for none of LANGUAGES gets it.
# The catalogues are locale/<code>/LC_MESSAGES/django.po, compiled to .mo by
# `make` (the LOCALE_STAMP step) and shipped in the release (docs/i18n.md).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("he", "עברית"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
try:
    ZoneInfo(TIME_ZONE)
except (KeyError, ValueError):  # ZoneInfoNotFoundError is a KeyError
    raise ImproperlyConfigured(
        f"TIME_ZONE must be an IANA time zone name such as Europe/London; "
        f"got {TIME_ZONE!r}."
    ) from None
USE_I18N = True
USE_TZ = True

# Static files: `collectstatic` copies them into STATIC_ROOT with hashed,
# compressed names; WhiteNoise serves them, hashed names with a year-long
# immutable cache header (docs/deployment.md, "Static files"). The tests turn
# the manifest off (pyproject.toml): they render pages without collecting;
# tests/test_static.py collects and checks the production storage.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("XPC_STATIC_ROOT", str(VAR_DIR / "static")))
XPC_STATIC_MANIFEST = env_bool("XPC_STATIC_MANIFEST", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "xplatform_console.static_storage.ConsoleStaticFilesStorage"
        if XPC_STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if not XPC_STATIC_MANIFEST:
    # Nothing collected: WhiteNoise serves the source folders themselves.
    WHITENOISE_USE_FINDERS = True
    STATIC_ROOT = None  # type: ignore[assignment]

# Django REST framework (R-DJ-10)
REST_FRAMEWORK: dict[str, Any] = {
    # Token first: its WWW-Authenticate header makes anonymous calls 401, not
    # 403. Session authentication enforces CSRF on unsafe methods (R-DJ-05).
    # Tokens are stored hashed, expire and can be revoked (R-AC-05).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "interactions.identity.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Closed by default: every view needs a login and a console permission.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "interactions.permissions.HasConsolePermission",
    ],
    # JSON only; the browsable API only in the local demo (xpc.E006).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["interactions.api.parsers.ConsoleJSONParser"],
    "EXCEPTION_HANDLER": "interactions.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per-user limits (R-AC-04); views name their scope. The pages' limiter,
    # one budget with them, from the XPC_RATE_LIMIT_* settings.
    "DEFAULT_THROTTLE_CLASSES": ["interactions.api.throttling.ConsoleThrottle"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# OpenAPI schema of the JSON API, served at /api/schema/ to signed-in users.
SPECTACULAR_SETTINGS = {
    "TITLE": "X-Platform console API",
    "DESCRIPTION": "Interaction lookups and views for CTI screen-pop and CRM "
    "integrations. Every error has the shape "
    '{"error": {"code": "...", "message": "..."}}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# X-Platform upstream
XPC_UPSTREAM_ALLOWED_HOSTS = env_list("XPC_UPSTREAM_ALLOWED_HOSTS", [".gointeract.io"])
XPC_UPSTREAM_CONNECT_TIMEOUT = env_float("XPC_UPSTREAM_CONNECT_TIMEOUT", 3.05)
XPC_UPSTREAM_READ_TIMEOUT = env_float("XPC_UPSTREAM_READ_TIMEOUT", 5.0)
XPC_UPSTREAM_DEADLINE = env_float("XPC_UPSTREAM_DEADLINE", 8.0)
XPC_UPSTREAM_RETRIES = env_int("XPC_UPSTREAM_RETRIES", 2, minimum=0)
XPC_UPSTREAM_MAX_JSON_BYTES = env_int(
    "XPC_UPSTREAM_MAX_JSON_BYTES", 2 * 1024 * 1024, minimum=1024
)
XPC_UPSTREAM_MAX_IMAGE_BYTES = env_int(
    "XPC_UPSTREAM_MAX_IMAGE_BYTES", 15 * 1024 * 1024, minimum=1024
)
# Threads of each upstream pool per process (created as needed).
XPC_UPSTREAM_POOL_SIZE = env_int("XPC_UPSTREAM_POOL_SIZE", 72, minimum=1)
# Bulkhead: concurrent upstream calls per X-Platform account and process, a
# third of the pool: four pages of six calls (two parts, four variable sets)
# at once, half of gunicorn's 8 request threads, and two slow accounts still
# leave a third of the pool to the others. Six (one page at a time) held a
# busy account to about 40 pages a second on four processes whatever the
# CPU (docs/performance.md, 2026-12-05).
XPC_UPSTREAM_PER_ACCOUNT = env_int(
    "XPC_UPSTREAM_PER_ACCOUNT", max(1, XPC_UPSTREAM_POOL_SIZE // 3), minimum=1
)
if XPC_UPSTREAM_PER_ACCOUNT > XPC_UPSTREAM_POOL_SIZE:
    raise ImproperlyConfigured(
        "XPC_UPSTREAM_PER_ACCOUNT must not be above XPC_UPSTREAM_POOL_SIZE "
        f"({XPC_UPSTREAM_POOL_SIZE})."
    )
# Seconds one request may wait for the X-Platform in all, the wait for a
# thread included (interactions/fanout.py).
XPC_REQUEST_DEADLINE = env_float("XPC_REQUEST_DEADLINE", 8.0)
# Seconds between two refreshes of a live interaction's page, and how long
# its parts stay cached: one upstream fetch per part per interval, however
# many agents watch it on however many processes (interactions/shared_flight.py).
XPC_LIVE_REFRESH_SECONDS = env_int("XPC_LIVE_REFRESH_SECONDS", 5, minimum=1)

# Per-user limits per minute (R-AC-04)
XPC_RATE_LIMIT_SEARCH = env_int("XPC_RATE_LIMIT_SEARCH", 30, minimum=1)
XPC_RATE_LIMIT_INTERACTION = env_int("XPC_RATE_LIMIT_INTERACTION", 120, minimum=1)
XPC_RATE_LIMIT_PHOTO = env_int("XPC_RATE_LIMIT_PHOTO", 300, minimum=1)
# Counted once for the pages and the JSON API (interactions/ratelimit.py).

# Sign-in lockout per user name and address, and a per-address limit on
# password checks (docs/security.md, R-AC-03).
XPC_LOGIN_FAILURE_LIMIT = env_int("XPC_LOGIN_FAILURE_LIMIT", 10, minimum=1)
XPC_LOGIN_LOCKOUT_MINUTES = env_int("XPC_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
XPC_LOGIN_IP_RATE = env_int("XPC_LOGIN_IP_RATE", 30, minimum=1)
AXES_FAILURE_LIMIT = "interactions.identity.lockout.failure_limit"
AXES_COOLOFF_TIME = "interactions.identity.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the lockout, so "try again in N minutes" holds even
# if the user tries again meanwhile; refused attempts are still logged.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "interactions.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "interactions.identity.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # failures only, at most 1000 per name
AXES_DISABLE_ACCESS_LOG = True  # no row per successful sign-in
AXES_ENABLE_ADMIN = False  # interactions/identity/admin.py scopes them per admin
AXES_SENSITIVE_PARAMETERS: list[str] = []  # the password is always masked
# Sign-ins without a user name (single sign-on callbacks) are not counted:
# they would lock the floor's address for every SSO user at once.
AXES_WHITELIST_CALLABLE = "interactions.identity.lockout.not_a_password_sign_in"
# Second factor for admins (R-AC-07): the issuer shown in authenticator apps.
OTP_TOTP_ISSUER = "X-Platform console"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Data protection (R-SEC-01, R-PII-03)
XPC_FIELD_ENCRYPTION_KEYS = env_secret_list("XPC_FIELD_ENCRYPTION_KEYS", [])
if not XPC_FIELD_ENCRYPTION_KEYS and DEBUG:
    XPC_FIELD_ENCRYPTION_KEYS = [
        _local_secret(
            "XPC_FIELD_ENCRYPTION_KEYS", lambda: Fernet.generate_key().decode()
        )
    ]
for _key in XPC_FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            "XPC_FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys "
            "(32 url-safe base64-encoded bytes each); one is malformed."
        ) from None
if not XPC_FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "XPC_FIELD_ENCRYPTION_KEYS must be set when DJANGO_DEBUG is off "
        "(comma-separated Fernet keys, newest first)."
    )
XPC_ACCESS_LOG_RETENTION_DAYS = env_int("XPC_ACCESS_LOG_RETENTION_DAYS", 365, minimum=1)
XPC_SNAPSHOT_RETENTION_DAYS = env_int("XPC_SNAPSHOT_RETENTION_DAYS", 90, minimum=1)

# Logs (docs/deployment.md, "Logs and metrics"): one JSON object per line in
# production, plain lines in the demo; every line with its request ID.
XPC_LOG_FORMAT = format_from_environment()  # plain when DEBUG is on
XPC_LOG_LEVEL = env_str("XPC_LOG_LEVEL", "INFO").upper()
if XPC_LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"XPC_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL; "
        f"got {XPC_LOG_LEVEL!r}."
    )
LOGGING = logging_config(XPC_LOG_FORMAT, XPC_LOG_LEVEL)

# Prometheus metrics at /metrics for a scraper sending this bearer token;
# unset: /metrics answers 404.
XPC_METRICS_TOKEN = env_secret("XPC_METRICS_TOKEN", "")
if XPC_METRICS_TOKEN and len(XPC_METRICS_TOKEN) < 24:
    raise ImproperlyConfigured(
        "XPC_METRICS_TOKEN must be at least 24 characters long (for example "
        "the output of: openssl rand -hex 24)."
    )
# Optional error reporting to Sentry, personal data scrubbed (R-PII-02).
SENTRY_DSN = env_secret("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "production")
