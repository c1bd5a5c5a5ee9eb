"""The header's bell: the signed-in user's unread messages, one indexed COUNT per page."""

from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page whose template never shows the bell (downloads, JSON) costs no query.
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
