"""The page a throttled login gets instead of the login form."""

from django.conf import settings
from django.shortcuts import render


def locked_out(request, original_response=None, credentials=None):
    """Tell the user, in words, how long the lockout lasts and who can lift it (HTTP 429)."""
    return render(request, "accounts/locked_out.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }, status=429)
