"""Password change (clearing the forced change) and the second-factor pages."""

from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from .models import User
from .otp import pending_totp_device, totp_device_confirm, totp_device_create, totp_secret


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The user chose this password: the administrator's one-time password is gone.
        User.objects.filter(pk=form.user.pk).update(must_change_password=False)
        return response


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse_lazy("home")


@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Set up the authenticator: POST 'start' makes a key, POST 'token' confirms it."""
    device = pending_totp_device(request.user)
    error = None
    if request.method == "POST" and "start" in request.POST:
        totp_device_create(request.user)
        return redirect(f"{request.path}?{urlencode({'next': _next_url(request)})}")
    if request.method == "POST" and device is not None:
        try:
            codes = totp_device_confirm(device, request.POST.get("token", ""))
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            otp_login(request, device)
            return render(request, "accounts/otp_recovery_codes.html",
                          {"codes": codes, "next": _next_url(request)})
    return render(request, "accounts/otp_setup.html", {
        "device": device,
        "secret": totp_secret(device) if device else "",
        "config_url": device.config_url if device else "",
        "has_device": user_has_device(request.user),
        "next": _next_url(request),
        "error": error,
    })


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """Enter the code from the authenticator, or one recovery code, after the password."""
    if not user_has_device(request.user):
        return redirect("otp_setup")
    error = None
    if request.method == "POST":
        device = match_token(request.user, (request.POST.get("token") or "").strip())
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        error = _("验证码不正确。")
    return render(request, "accounts/otp_verify.html",
                  {"next": _next_url(request), "error": error},
                  status=200 if error is None else 400)


