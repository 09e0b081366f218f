"""Settings for the Pact for Skills portal.

One module for every environment: what differs between a laptop, CI and production comes from
environment variables (each one is documented in README.md). Defaults are the safe choice; the
only convenience default is a SQLite file so that the quick start needs no database server.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# scripts/run writes a .env for local development; real environment variables always win.
ENV_FILE = Path(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
GENERATE_SECRET_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            f"SECRET_KEY must be set when DEBUG is off. Generate one with: {GENERATE_SECRET_KEY}"
        )
    # A per-process random key: sessions do not survive a restart, which is fine on a laptop.
    from django.core.management.utils import get_random_secret_key

    SECRET_KEY = get_random_secret_key()
elif not DEBUG and (
    # Django's own test of a weak key (the one `check --deploy` applies), at start-up so that
    # production never runs with the key of a tutorial, a .env template or Django's startproject.
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "SECRET_KEY is a default or weak key (under 50 characters, or Django's "
        f"'django-insecure-' placeholder). Generate one with: {GENERATE_SECRET_KEY}"
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=LOCAL_HOSTS if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
if DEBUG and set(ALLOWED_HOSTS) - set(LOCAL_HOSTS):
    # Debug pages show settings and source code: they must never face a public host name.
    raise ImproperlyConfigured(
        "DEBUG is on for a public host name in ALLOWED_HOSTS; debug mode is for this machine "
        "only (localhost, 127.0.0.1, [::1])."
    )

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS. With DEBUG off the portal is served over HTTPS only: plain HTTP is redirected, browsers
# are told to remember that (HSTS), and cookies never travel unencrypted. Behind a proxy that
# ends TLS, set SECURE_PROXY_SSL_HEADER so the portal sees which requests came in over HTTPS.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# The session cookie is HttpOnly by Django's default. The CSRF cookie is too: no script of
# ours reads it, and forms carry the token in a hidden field.
CSRF_COOKIE_HTTPONLY = True
# The language switch's cookie, like the others: HTTPS only, out of scripts' reach (only the
# portal and nginx's microcache key read it), and not sent along with other sites' requests.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Django's defaults, spelled out because the header tests assert them.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: everything from the portal itself, nothing inline, no framing.
# Pages must keep to it: no inline <script>, no style="..." attributes, no outside hosts.
# (The admin alone may apply inline styles: core.middleware.AdminInlineStylesMiddleware.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# The browser features the portal never uses, switched off for it and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

INSTALLED_APPS = [
    # Before the admin, so that its translated fields show side by side there.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: runserver leaves static files to WhiteNoise, with its headers,
    # instead of serving them bare itself.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_countries",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "csp",
    "axes",
    "django_guid",
    # (On PostgreSQL, the background worker's queue joins here: see below DATABASES.)
    # The shared building blocks first; the project itself for its management commands.
    "core",
    "pactportal",
    "ecosystems",
    "partnerships",
    "alliances",
    "figures",
    "opendata",
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id.
    "django_guid.middleware.guid_middleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files straight from the worker, compressed and cached for a year by their hash,
    # before any session or database work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every GET, and 304 Not Modified when the client already has the same bytes.
    "django.middleware.http.ConditionalGetMiddleware",
    # Before the policy headers, sessions and authentication: a cached page for an anonymous
    # reader is kept with its Content-Security-Policy and Permissions-Policy headers, and skips
    # all of them.
    "core.cache.AnonymousPageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.AdminInlineStylesMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of the URL prefix for pages; ?lang= or Accept-Language for the API.
    "pactportal.i18n.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication: it turns away sign-ins from a locked-out client.
    "axes.middleware.AxesMiddleware",
    # Records which user made each change in the content history.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "pactportal.urls"
WSGI_APPLICATION = "pactportal.wsgi.application"
ASGI_APPLICATION = "pactportal.asgi.application"

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
                "pactportal.i18n.languages",
                "core.context_processors.curator",
            ],
        },
    },
]
# Django's form renderer with select boxes written in Python (core/forms.py): the same HTML.
FORM_RENDERER = "core.forms.PortalFormRenderer"

# Database: one URL. SQLite is the zero-setup default for the quick start only; tests and
# production run on PostgreSQL (postgres://user:password@host:port/name).
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}


def postgres_connection(database: dict) -> None:
    """How the portal talks to each PostgreSQL server, the primary and its replicas alike."""
    # An hour, not a minute: a worker's first page on a new connection is slower (a new
    # PostgreSQL process), and with a minute a worker that served only cached pages for a
    # while met that on its next miss. The home page's first view after a change at factor
    # 100: p95 270 → 193 ms (docs/performance.md).
    database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=3600)
    database["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: the portal's queries are short, and compiling one (10 to 20 ms)
    # costs more than it ever saves. "Did you mean …?" (core.models.closest_words) suggests
    # a name whose closest part shares 40% of the trigrams of the words searched: 0.43 for
    # "Tesaly" in "Thessaly", which pg_trgm's default (0.6) would miss. The portal's tables
    # fit in memory, where reading a row by its index costs about what reading it in turn
    # does: with PostgreSQL's default random_page_cost (4, for spinning disks) the planner
    # read every published partnership once per ecosystem rather than look up each linked
    # one (the ecosystems' counts at factor 100: 48 → 19 ms).
    database.setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c random_page_cost=1.1 -c pg_trgm.word_similarity_threshold=0.4"
    )


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    postgres_connection(DATABASES["default"])

# Read replicas (PostgreSQL streaming replicas of the primary), for more readers than one
# server can answer. They lag behind the primary, so only plain reads go to them: writes, every
# query of a request that may write (any method but GET, HEAD, OPTIONS and TRACE), and the
# writer's own requests for DATABASE_REPLICA_PIN_SECONDS after it (a cookie) use the primary,
# so that a curator sees their change at once. manage.py pins its commands (migrations, the
# data loader) to the primary. A change a curator commits reaches readers' pages only once the
# replicas have it: docs/deployment.md says how PostgreSQL makes that immediate.
# The background worker's job queue (procrastinate: opendata/tasks.py, docs/deployment.md) is
# PostgreSQL tables; the SQLite quick start runs without a worker, and so without webhooks.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.insert(INSTALLED_APPS.index("core"), "procrastinate.contrib.django")

DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
if DATABASE_REPLICA_URLS:
    replicas = [env.db_url_config(url) for url in DATABASE_REPLICA_URLS]
    if any(
        db["ENGINE"] != "django.db.backends.postgresql" for db in [DATABASES["default"], *replicas]
    ):
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS are replicas of a PostgreSQL DATABASE_URL: all must be "
            "postgres:// URLs."
        )
    for number, replica in enumerate(replicas, start=1):
        postgres_connection(replica)
        # Tests read the test copy of the primary through each replica, as the router would
        # once it starts (it sets this too), instead of creating a test database per replica.
        replica["TEST"] = {"MIRROR": "default"}
        DATABASES[f"replica_{number}"] = replica
    REPLICA_DATABASES = [f"replica_{number}" for number in range(1, len(replicas) + 1)]
    DATABASE_ROUTERS = ["multidb.PinningReplicaRouter"]
    # Before sessions, authentication and views, which read the database: it decides for each
    # request whether its thread reads the primary.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "multidb.middleware.PinningRouterMiddleware",
    )
    # Longer than the replicas' worst lag, or a writer may still read their old data.
    MULTIDB_PINNING_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=15)
    # Like the session cookie: never over plain HTTP in production, and no script needs it.
    MULTIDB_PINNING_COOKIE_SECURE = not DEBUG
    MULTIDB_PINNING_COOKIE_HTTPONLY = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is given, otherwise memory local to each process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pactportal",
            "OPTIONS": {
                # Redis down is not the portal down: reads miss, writes are dropped, pages are
                # built afresh, and each failure is logged (below). Short timeouts keep a
                # vanished server from stalling every request.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous pages and API reads are cached this long (seconds), or until content changes;
# 0 turns the page cache off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# How often each process compares the cached content generation with the database's (seconds):
# the longest a page can stay stale when a change could not reach Redis (core/cache).
CONTENT_GENERATION_CHECK_SECONDS = env.float("CONTENT_GENERATION_CHECK_SECONDS", default=1.0)
# Each process also keeps the cache entries it used last in its own memory, up to this many
# bytes (pactportal/cache.py); 0 keeps none.
LOCAL_CACHE_BYTES = env.int("LOCAL_CACHE_BYTES", default=32 * 1024 * 1024)

# Open data (opendata/): the change feed serves events once they are this many seconds old,
# longer than any write transaction lasts, so that none commits behind a cursor handed out.
CHANGE_FEED_SETTLE_SECONDS = env.int("CHANGE_FEED_SETTLE_SECONDS", default=60)
# The bulk ZIPs are kept in the document storage under this folder; the newest few are kept.
OPEN_DATA_FOLDER = "open-data"
OPEN_DATA_KEEP_ARCHIVES = env.int("OPEN_DATA_KEEP_ARCHIVES", default=3)
# The hour (UTC: procrastinate reads cron in UTC) at which the worker writes the day's bulk ZIP.
OPEN_DATA_HOUR = env.int("OPEN_DATA_HOUR", default=3)
# How long the nightly check of source links waits for each site (core.linkcheck).
LINK_CHECK_TIMEOUT_SECONDS = env.int("LINK_CHECK_TIMEOUT_SECONDS", default=10)
# The licence and publisher the catalogue (DCAT-AP) and the data dictionary state: EU
# authority table URIs (publications.europa.eu/resource/authority/...).
OPEN_DATA_LICENCE = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
OPEN_DATA_PUBLISHER = "http://publications.europa.eu/resource/authority/corporate-body/EMPL"
OPEN_DATA_PUBLISHER_NAME = "Directorate-General for Employment, Social Affairs and Inclusion"
# Members of these groups (comma-separated names, e.g. "Curators") may not publish, archive or
# return a record to draft themselves: they submit it for review, and a reviewer publishes it.
REVIEW_REQUIRED_GROUPS = env.list("REVIEW_REQUIRED_GROUPS", default=[])
# Webhook deliveries wait this long for the receiver's answer (seconds).
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Task modules are found by name (opendata/tasks.py); the worker reads the queue through its own
# connection pool built from DATABASE_URL.
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = "tasks"

AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute-force protection for sign-in (django-axes): after AXES_FAILURE_LIMIT failed attempts
# for one user name from one address, that pair is refused for AXES_COOLOFF_HOURS. Locking by
# the pair means an attacker cannot lock a curator out from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_USERNAME_CALLABLE = "pactportal.auth.lockout_username"
# Behind the nginx of deploy/, every request reaches gunicorn through a socket only nginx can
# open, so REMOTE_ADDR names no client. nginx replaces any X-Forwarded-For a client sent with
# the address it saw itself, and lockouts key on that. Never set this where clients can reach
# gunicorn directly: they could then choose the address they are locked out under.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_ORDER = "right-most"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The interface languages. Adding one is adding its catalogue under locale/ and a line here
# (and a migration for the translated content fields it brings).
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("de", _("German")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Curated texts missing in a language are shown in English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# With the manifest (the default when DEBUG is off) file names carry a hash of their content,
# so browsers may keep them for a year; it needs `collectstatic` before the portal starts.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
# Without the manifest (tests, local runs) WhiteNoise serves files from where they are.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST


def _static_file_headers(headers, path, url):
    # From WhiteNoise itself, whichever side of the security middleware (which sets it on
    # every other response) WhiteNoise ends up on.
    headers["X-Content-Type-Options"] = "nosniff"


WHITENOISE_ADD_HEADERS_FUNCTION = _static_file_headers
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Uploaded documents go to S3-compatible object storage (AWS, MinIO, Ceph, OVH, Scaleway…) when
# a bucket is named, else to MEDIA_ROOT. The bucket stays private: a browser gets a document
# only through the download view's check, as a redirect to a URL signed for a few minutes.
DOCUMENT_STORAGE_BUCKET = env.str("DOCUMENT_STORAGE_BUCKET", default="")
DOCUMENT_STORAGE_URL_SECONDS = env.int("DOCUMENT_STORAGE_URL_SECONDS", default=300)
if DOCUMENT_STORAGE_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENT_STORAGE_BUCKET,
            # Objects are written once under a unique name and never replaced in place.
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": DOCUMENT_STORAGE_URL_SECONDS,
            "signature_version": "s3v4",
            # Empty sends no ACL at all, for AWS buckets whose ACLs are disabled (the default of
            # new buckets), which accept none but bucket-owner-full-control.
            "default_acl": env.str("DOCUMENT_STORAGE_ACL", default="private") or None,
            "location": env.str("DOCUMENT_STORAGE_PREFIX", default=""),
        },
    }
    # Each only when set: otherwise boto3 finds the credentials itself (instance or pod role,
    # AWS_* variables, ~/.aws) and the region from the endpoint or AWS_DEFAULT_REGION.
    for option, variable in [
        ("endpoint_url", "DOCUMENT_STORAGE_ENDPOINT_URL"),
        ("region_name", "DOCUMENT_STORAGE_REGION"),
        # "path" for stores without a DNS name per bucket (MinIO, most self-hosted ones).
        ("addressing_style", "DOCUMENT_STORAGE_ADDRESSING_STYLE"),
        ("access_key", "DOCUMENT_STORAGE_ACCESS_KEY_ID"),
        ("secret_key", "DOCUMENT_STORAGE_SECRET_ACCESS_KEY"),
    ]:
        if value := env.str(variable, default=""):
            STORAGES["default"]["OPTIONS"][option] = value
# With documents in MEDIA_ROOT behind nginx: the prefix of an `internal` nginx location that
# aliases MEDIA_ROOT (`/_documents/`). The download view then answers with X-Accel-Redirect and
# nginx sends the bytes, so no worker is held for the length of a download.
DOCUMENT_ACCEL_REDIRECT = env.str("DOCUMENT_ACCEL_REDIRECT", default="")
if DOCUMENT_ACCEL_REDIRECT and not (
    DOCUMENT_ACCEL_REDIRECT.startswith("/") and DOCUMENT_ACCEL_REDIRECT.endswith("/")
):
    raise ImproperlyConfigured(
        "DOCUMENT_ACCEL_REDIRECT is a URL path that starts and ends with '/' ('/_documents/')."
    )
if DOCUMENT_ACCEL_REDIRECT and DOCUMENT_STORAGE_BUCKET:
    raise ImproperlyConfigured(
        "DOCUMENT_ACCEL_REDIRECT serves documents from MEDIA_ROOT; with DOCUMENT_STORAGE_BUCKET "
        "they are in object storage. Set one of them."
    )

# A spreadsheet opened from an export must not run a formula a record's text smuggled in.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# The most rows one admin import may hold: its preview and its import stay well within a
# gunicorn worker's timeout (see tests/perf/imports.py); a larger file is refused at upload.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=2000)

# Uploaded language versions larger than this are refused (bytes; 25 MB by default).
DOCUMENT_MAX_UPLOAD_BYTES = env.int("DOCUMENT_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)

# Reading the text of an uploaded PDF (partnerships/pdftext.py): a child process, killed past its
# time, with at most DOCUMENT_TEXT_MEMORY_MB of memory. An upload of up to
# DOCUMENT_TEXT_INLINE_PAGES pages is read during the request, for up to
# DOCUMENT_TEXT_INLINE_SECONDS, well within gunicorn's 30 s; a longer file, or one not read in
# that time, is read by the background worker, for up to DOCUMENT_TEXT_JOB_SECONDS.
DOCUMENT_TEXT_INLINE_PAGES = env.int("DOCUMENT_TEXT_INLINE_PAGES", default=40)
DOCUMENT_TEXT_INLINE_SECONDS = env.float("DOCUMENT_TEXT_INLINE_SECONDS", default=8.0)
DOCUMENT_TEXT_JOB_SECONDS = env.float("DOCUMENT_TEXT_JOB_SECONDS", default=300.0)
DOCUMENT_TEXT_MEMORY_MB = env.int("DOCUMENT_TEXT_MEMORY_MB", default=768)

REST_FRAMEWORK = {
    # Token first: an anonymous write is answered 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api_formats.Pagination",
    # Writes take JSON; the one endpoint that takes a file (a document's versions) adds forms.
    "DEFAULT_PARSER_CLASSES": ["core.api_parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "core.api_formats.CSVRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # "off" lifts a limit: for a load test from one address, which no real client resembles.
    "DEFAULT_THROTTLE_RATES": {
        scope: None if rate == "off" else rate
        for scope, rate in {
            "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
            "user": env.str("API_THROTTLE_USER", default="1200/minute"),
        }.items()
    },
    # Dates and times in ISO 8601 with their offset.
    "DATETIME_FORMAT": "iso-8601",
    # Throttling counts by client address: the one nginx put in X-Forwarded-For behind the
    # proxy, otherwise the connection's own, never a header a client could choose.
    "NUM_PROXIES": 1 if BEHIND_PROXY else 0,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Pact for Skills partnerships API",
    "DESCRIPTION": (
        "Published ecosystems, skills partnerships, member organisations and documents of the "
        "EU Pact for Skills. Reading is open; curators write with a token."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    # Without deep links, an operation's path inside its expand button is not a link as well
    # (a link inside a button: nested controls a screen reader cannot tell apart).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PartnershipKindEnum": "partnerships.models.Partnership.Kind",
        "DocumentKindEnum": "partnerships.models.Document.Kind",
        "MembershipRoleEnum": "partnerships.models.Membership.Role",
        "PledgeBasisEnum": "partnerships.models.Partnership.PledgeBasis",
        "AllianceRoleEnum": "alliances.eligibility.Role.CHOICES",
        "AllianceRecordedRoleEnum": "alliances.eligibility.Role.RECORDED_CHOICES",
        "AlliancePhaseEnum": "alliances.timeline.Phase",
        "StatusEnum": "core.models.PublicationStatus",
        "CommitmentStatusEnum": "partnerships.commitments.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.error_responses",
        "core.api.empty_query_values",
        "pactportal.i18n.language_parameters",
    ],
}

# Every request gets an id (or keeps a valid one a proxy sent in X-Request-ID), returned in
# the X-Request-ID response header and written into each log line of that request.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
}

# Logs are one JSON object a line on standard error, ready for a log collector.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "django_guid.log_filters.CorrelationId"},
        "as_warning": {"()": "pactportal.logs.AsWarning"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(levelname)s %(name)s %(message)s %(correlation_id)s",
            # ISO 8601 in UTC, whatever TIME_ZONE says.
            "timestamp": "time",
            "rename_fields": {
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # It would note at INFO that each request came without an id; that is the normal case.
        "django_guid": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},
        # procrastinate notes at INFO every task it registers, at every start of every command.
        "procrastinate": {"level": "WARNING"},
        # A Host header not in ALLOWED_HOSTS (scanners trying addresses, a stale DNS name) is
        # the client's mistake, answered with a 400: a WARNING, where a spike still shows,
        # not an ERROR for whoever is on call. Django logs it at ERROR with a traceback.
        "django.security.DisallowedHost": {"filters": ["as_warning"]},
    },
}
