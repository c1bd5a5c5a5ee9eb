"""Events that happen outside our views: sign-in and out, lockouts, account and admin changes."""

from axes.signals import user_locked_out
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from simple_history.models import HistoricalRecords

from partybuild.core.signals import list_served

from .models import AuditEntry
from .services import audit_record

Event = AuditEntry.Event
User = get_user_model()
# What grants access: a change to any of these is a change of the user's role, region or rights.
RIGHTS_FIELDS = ("role", "region_id", "is_active", "is_staff", "is_superuser")


def current_request():
    """The request being served, kept by simple_history's middleware (None in commands)."""
    return getattr(HistoricalRecords.context, "request", None)


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit_record(Event.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(Event.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    audit_record(Event.LOGIN_FAILED, request=request, outcome=AuditEntry.Outcome.FAILURE,
                 username=str(credentials.get("username", "")))


@receiver(user_locked_out)
def on_lockout(sender, request, username, ip_address, **kwargs):
    audit_record(Event.LOCKOUT, request=request, outcome=AuditEntry.Outcome.FAILURE,
                 username=str(username or ""), ip_address=ip_address)


@receiver(pre_save, sender=User)
def on_user_change(sender, instance, raw=False, update_fields=None, **kwargs):
    # Signing in saves last_login only; fixtures (raw) are not changes made by anyone.
    if raw or instance.pk is None or (update_fields and set(update_fields) <= {"last_login"}):
        return
    before = User.objects.filter(pk=instance.pk).values(*RIGHTS_FIELDS, "password").first()
    if before is None:
        return
    request = current_request()
    actor = getattr(request, "user", None) if request is not None else None
    if before["password"] != instance.password:
        audit_record(Event.PASSWORD_CHANGE, request=request, user=actor, obj=instance)
    changes = {
        field: [before[field], getattr(instance, field)] for field in RIGHTS_FIELDS
        if before[field] != getattr(instance, field)
    }
    if changes:
        audit_record(Event.USER_CHANGE, request=request, user=actor, obj=instance,
                     changes=changes)


@receiver(post_save, sender=LogEntry)
def on_admin_change(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    action = {1: "add", 2: "change", 3: "delete"}.get(instance.action_flag, "")
    audit_record(Event.ADMIN_CHANGE, request=current_request(), user=instance.user,
                 object_type=f"{instance.content_type.app_label}.{instance.content_type.model}"
                 if instance.content_type_id else "", object_id=instance.object_id or "",
                 object_repr=instance.object_repr, action=action,
                 message=instance.get_change_message())


@receiver(list_served)
def on_list_served(sender, request, name, filters, export_format, rows, purpose, **kwargs):
    """Every export (what, filters, row count); page views of lists of personal data."""
    if export_format is None and not purpose:
        return
    event = Event.EXPORT if export_format else Event.PERSONAL_VIEW
    audit_record(event, request=request, object_repr=name, filters=filters,
                 format=export_format or "", rows=rows, purpose=purpose)
