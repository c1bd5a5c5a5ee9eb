"""Who may open the read pages: a role check before any scoping happens.

Scoping (accounts/scoping.py) decides which rows a user sees; this decides which pages
they may open at all. Instructors open only institution pages and their own record.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied


def may_read_structure(user) -> bool:
    return user.is_authenticated and user.can_view_structure


def may_read_institutions(user) -> bool:
    return user.is_authenticated and (user.can_view_structure or user.is_instructor)


class StructureReaderRequiredMixin:
    """Staff, reviewers and administrators only; everyone else signed in gets 403."""

    allow_instructors = False

    def dispatch(self, request, *args, **kwargs):
        allowed = may_read_institutions if self.allow_instructors else may_read_structure
        if request.user.is_authenticated and not allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def structure_reader_required(view):
    """The function-view form of StructureReaderRequiredMixin."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and not may_read_structure(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def institution_reader_required(view):
    """Institution pages: structure readers and instructors (scoping narrows what they see)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated and not may_read_institutions(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def instructor_reader_required(view):
    """Instructor pages: structure readers; an instructor only their own record (by `pk`)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not may_read_structure(user):
            own = getattr(user, "instructor", None) if user.is_instructor else None
            if own is None or own.pk != kwargs.get("pk"):
                raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
