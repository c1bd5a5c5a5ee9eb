"""Sessions that end after inactivity, without a database write on every request."""

import time

from django.conf import settings

ACTIVITY_KEY = "_last_activity"


class SessionActivityMiddleware:
    """Push a signed-in user's session expiry forward, at most once a refresh interval.

    Django's SESSION_SAVE_EVERY_REQUEST would also make the expiry count from the last
    request, but with one UPDATE per request: under load on SQLite those writes queue behind
    each other. Marking the session changed once a minute keeps the idle timeout exact to
    that minute and leaves the other requests read-only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.session.is_empty():
            now = int(time.time())
            last = request.session.get(ACTIVITY_KEY, 0)
            if now - last >= settings.PARTYBUILD_SESSION_REFRESH_SECONDS:
                # The session middleware, further out, saves it with a new expiry.
                request.session[ACTIVITY_KEY] = now
        return response
