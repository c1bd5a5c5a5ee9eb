"""Sessions that end after inactivity, no caching of signed-in pages, and the login policy
(second factor, password change) enforced on every request."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .passwords import idle_timeout_seconds, password_change_required, second_factor_required

ACTIVITY_KEY = "_last_activity"


class SessionActivityMiddleware:
    """Push a signed-in user's session expiry forward, at most once a refresh interval.

    Django's SESSION_SAVE_EVERY_REQUEST would also make the expiry count from the last
    request, but with one UPDATE per request: under load on SQLite those writes queue behind
    each other. Marking the session changed once a minute keeps the idle timeout exact to
    that minute and leaves the other requests read-only. The idle timeout depends on the
    role (administrators' is shorter) and is also checked here against the last activity,
    so a session kept alive elsewhere cannot outlive it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            last = request.session.get(ACTIVITY_KEY, 0)
            if last and int(time.time()) - last > idle_timeout_seconds(user):
                logout(request)
                return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.session.is_empty():
            now = int(time.time())
            last = request.session.get(ACTIVITY_KEY, 0)
            if now - last >= settings.PARTYBUILD_SESSION_REFRESH_SECONDS:
                # The session middleware, further out, saves it with a new expiry.
                request.session[ACTIVITY_KEY] = now
                request.session.set_expiry(idle_timeout_seconds(user))
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user and on every download.

    Pages and CSV/XLSX/PDF exports carry personal data: neither the browser nor a proxy in
    between may keep a copy. Static files are served by whitenoise before this runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or response.has_header("Content-Disposition"):
            response["Cache-Control"] = "no-store"
        return response


def _is_open(request, url_names) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        from django.urls import Resolver404, resolve
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
    return match.view_name in url_names


class SecondFactorMiddleware:
    """Administrators (and everyone, when PARTYBUILD_OTP_REQUIRED_FOR_ALL) confirm a TOTP
    or recovery code after the password before anything else."""

    OPEN = {"otp_setup", "otp_verify", "logout", "set_language", "health"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and second_factor_required(user)
                and not user.is_verified() and not _is_open(request, self.OPEN)):
            from django_otp import user_has_device
            target = "otp_verify" if user_has_device(user) else "otp_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class PasswordPolicyMiddleware:
    """A password set by an administrator, or one that expired, is changed before anything else."""

    OPEN = {"password_change", "password_change_done", "logout", "set_language", "health",
            "otp_setup", "otp_verify"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and password_change_required(user)
                and not _is_open(request, self.OPEN)):
            if user.must_change_password:
                messages.warning(request, _("管理员为您设置了密码，请先修改密码。"))
            else:
                messages.warning(request, _("您的密码已过期，请先修改密码。"))
            return redirect("password_change")
        return self.get_response(request)
