"""partybuild settings, read from environment variables with safe development defaults."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "simple_history",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "partybuild.accounts.apps.LoginProtectionConfig",  # django-axes
    "partybuild.regions",
    "partybuild.accounts",
    "partybuild.audit",
    "partybuild.notifications",
    "partybuild.organisation",
    "partybuild.instructors",
    "partybuild.visits",
    "partybuild.activities",
    "partybuild.points",
    "partybuild.scoring",
    "partybuild.reports",
    "partybuild.imports",
    "partybuild.reminders",
    "partybuild.home",
    "partybuild.demo",
    "partybuild.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "partybuild.accounts.middleware.SessionActivityMiddleware",
    "partybuild.accounts.middleware.NoStoreMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "partybuild.core.middleware.StorageFailureMiddleware",
    # After the messages: both redirect with a message to the page that lifts the block.
    "partybuild.accounts.middleware.SecondFactorMiddleware",
    "partybuild.accounts.middleware.PasswordPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "partybuild.organisation.middleware.TokensReadOncePerRead",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partybuild.urls"
WSGI_APPLICATION = "partybuild.wsgi.application"

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
                "partybuild.notifications.context_processors.notifications",
            ],
        },
    },
]

VAR_DIR = Path(os.environ.get("PARTYBUILD_VAR_DIR", BASE_DIR / "var"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'partybuild.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers continue while an import or a scoring run writes. IMMEDIATE takes the
    # write lock when a transaction begins, so two writers queue (up to `timeout` seconds)
    # instead of both reading and then one failing with "database is locked" (a 500).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20,
         "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins are throttled by django-axes: after PARTYBUILD_LOGIN_FAILURE_LIMIT wrong
# passwords for one user name from one address, that pair is refused for the lockout time.
# The pair, not the address alone: a bureau's staff often share one NAT address, and one
# mistyping colleague must not lock the whole office out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend loading the user's region with them. Sessions signed in through
    # ModelBackend before it (at most SESSION_COOKIE_AGE old) sign in once more.
    "partybuild.accounts.backends.UserWithRegionBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("PARTYBUILD_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PARTYBUILD_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# ...and an address that fails this often over all user names is refused as a whole.
PARTYBUILD_LOGIN_ADDRESS_FAILURE_LIMIT = int(
    os.environ.get("PARTYBUILD_LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
# The audit trail is kept this many days (at least 180: the purge refuses younger entries).
PARTYBUILD_AUDIT_RETENTION_DAYS = int(os.environ.get("PARTYBUILD_AUDIT_RETENTION_DAYS", "1095"))
AXES_HANDLER = "partybuild.accounts.throttling.LoginThrottleHandler"
AXES_RESET_ON_SUCCESS = True
# An attempt during a lockout, even with the right password, neither counts nor moves the
# lockout forward: otherwise anyone on the address could hold a named user locked for good.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Lockouts are logged as warnings; the start-up banner would only clutter command output.
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "partybuild.accounts.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "partybuild.accounts.client_ip.client_ip"
# Reverse proxies in front of the server that append to X-Forwarded-For (0: use REMOTE_ADDR).
PARTYBUILD_PROXY_COUNT = int(os.environ.get("PARTYBUILD_PROXY_COUNT", "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # 等保 2.0 level 3: at least 3 of 4 character classes, none of the last 5 passwords
    # (the history validator also records every new password and its date).
    {"NAME": "partybuild.accounts.passwords.CharacterClassesValidator",
     "OPTIONS": {"min_classes": 3}},
    {"NAME": "partybuild.accounts.passwords.PasswordHistoryValidator",
     "OPTIONS": {"history": 5}},
]
# A password expires this many days after it was set; the user must change it (0: never).
PARTYBUILD_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PARTYBUILD_PASSWORD_MAX_AGE_DAYS", "90"))
# Roles that are administrators: a second factor (TOTP) and the shorter idle timeout.
PARTYBUILD_ADMIN_ROLES = env_list(
    "PARTYBUILD_ADMIN_ROLES", "admin,security_admin,audit_admin")
# Require the second factor of everyone, not only of the administrators.
PARTYBUILD_OTP_REQUIRED_FOR_ALL = env_bool("PARTYBUILD_OTP_REQUIRED_FOR_ALL", False)
PARTYBUILD_OTP_REQUIRED_FOR_ADMINS = True
OTP_TOTP_ISSUER = "partybuild"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
# whitenoise warns on every request when the collected-static folder is missing.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_COOKIE_AGE", str(8 * 3600)))
# Idle timeout in minutes: administrators' sessions end sooner (等保 2.0: 登录连接超时).
PARTYBUILD_IDLE_TIMEOUT_MINUTES = int(
    os.environ.get("PARTYBUILD_IDLE_TIMEOUT_MINUTES", str(SESSION_COOKIE_AGE // 60)))
PARTYBUILD_ADMIN_IDLE_TIMEOUT_MINUTES = int(
    os.environ.get("PARTYBUILD_ADMIN_IDLE_TIMEOUT_MINUTES", "30"))
# The idle timeout counts from the last request; SessionActivityMiddleware renews the expiry
# once a minute at most instead of writing the session on every request.
PARTYBUILD_SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_HTTPS_PROXY", False) else None
)
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): scripts only from our own static files, never
# inline; styles may be inline (style blocks and attributes cannot run code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Reverting to an old version in the admin would bypass the services' rules (periods that
# must not overlap, finalised inspections): history is for reading.
SIMPLE_HISTORY_REVERT_DISABLED = True

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap4-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}
LIST_PAGE_SIZE = int(os.environ.get("PARTYBUILD_LIST_PAGE_SIZE", "50"))
# The rectification deadline a hazard form proposes: found on + this many days.
PARTYBUILD_HAZARD_DEADLINE_DAYS = int(os.environ.get("PARTYBUILD_HAZARD_DEADLINE_DAYS", "30"))
# 新机构三同步: a new institution should have a branch, an instructor and party building in
# its charter within this many days of opening; the 新机构三同步 page lists institutions
# opened within the window.
PARTYBUILD_THREE_SYNC_DAYS = int(os.environ.get("PARTYBUILD_THREE_SYNC_DAYS", "30"))
PARTYBUILD_THREE_SYNC_WINDOW_DAYS = int(
    os.environ.get("PARTYBUILD_THREE_SYNC_WINDOW_DAYS", "365"))
# A visit entered within this many days of its date counts as on time (timeliness).
PARTYBUILD_ON_TIME_DAYS = int(os.environ.get("PARTYBUILD_ON_TIME_DAYS", "5"))
# The staff home counts clues unreviewed for more than this many days, and institutions not
# yet visited this month after this day of the month (the same settings as the reminders).
PARTYBUILD_REMINDER_CLUE_REVIEW_DAYS = int(
    os.environ.get("PARTYBUILD_REMINDER_CLUE_REVIEW_DAYS", "7"))
PARTYBUILD_REMINDER_VISIT_DAY = int(os.environ.get("PARTYBUILD_REMINDER_VISIT_DAY", "20"))

# Reminders (send_reminders): where links point, how e-mail and group bots are retried, and
# the thresholds of the six rules (administrators may override them per region); the clue
# and 三同步 thresholds above serve the rules too.
PARTYBUILD_SITE_URL = os.environ.get("PARTYBUILD_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "partybuild@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
PARTYBUILD_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("PARTYBUILD_NOTIFY_MAX_ATTEMPTS", "5"))
PARTYBUILD_NOTIFY_RETRY_MINUTES = int(os.environ.get("PARTYBUILD_NOTIFY_RETRY_MINUTES", "10"))
PARTYBUILD_REMINDER_VISIT_FROM_DAY = int(os.environ.get("PARTYBUILD_REMINDER_VISIT_FROM_DAY", "20"))
PARTYBUILD_REMINDER_HAZARD_DUE_DAYS = int(
    os.environ.get("PARTYBUILD_REMINDER_HAZARD_DUE_DAYS", "3"))
PARTYBUILD_REMINDER_HAZARD_ESCALATE_DAYS = int(
    os.environ.get("PARTYBUILD_REMINDER_HAZARD_ESCALATE_DAYS", "14"))
PARTYBUILD_REMINDER_INSPECTION_FROM = os.environ.get("PARTYBUILD_REMINDER_INSPECTION_FROM", "12-01")
PARTYBUILD_REMINDER_CADENCE_WINDOW_DAYS = int(
    os.environ.get("PARTYBUILD_REMINDER_CADENCE_WINDOW_DAYS", "15"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
