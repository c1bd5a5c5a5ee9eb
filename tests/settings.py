"""Settings for the test suite: the real settings, with a fast password hasher."""

from partybuild.settings import *  # noqa: F403

# The production hasher is slow on purpose (about 0.3 s a password); the suite creates and
# logs in hundreds of users, and what it tests is who may do what, not password storage.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling counts failures per address in the database; the suite logs in from one
# address many times. tests/accounts/test_login_throttling.py switches it back on.
AXES_ENABLED = False

# Session renewal writes once a minute, so whether a request writes the session depends on
# the clock; query-count tests need every request alike. tests/accounts/test_login_security.py
# switches renewal back on.
PARTYBUILD_SESSION_REFRESH_SECONDS = 10**10

# The second factor is required of administrators; the suite's administrators log in with
# force_login to test who may do what. tests/accounts/test_second_factor.py switches it on.
PARTYBUILD_OTP_REQUIRED_FOR_ADMINS = False

# A statement waiting on a lock that is never released would otherwise wait for ever and
# hang the run; on PostgreSQL it fails instead, naming the statement.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    DATABASES["default"]["OPTIONS"]["options"] = (  # noqa: F405
        "-c lock_timeout=120s -c statement_timeout=300s")
