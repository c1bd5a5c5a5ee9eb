"""Login throttling: django-axes' database handler, plus a ceiling per client address.

django-axes counts failures per user name and address (settings.AXES_LOCKOUT_PARAMETERS), so
one colleague's typing does not lock out an office behind one address. That alone would let
one address try a few passwords against every user name in turn; this handler also refuses
an address once its failures over all user names reach PARTYBUILD_LOGIN_ADDRESS_FAILURE_LIMIT
within the lockout time.

Two things keep a lockout from spreading or being held (issue 18, attack finding 1):
- each user name counts towards the address ceiling with at most AXES_FAILURE_LIMIT
  failures, so one user retrying his own locked name never locks the office's NAT address;
- attempts made while locked out are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
  is off), so they neither extend the lockout nor add to the address's count.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum, Value
from django.db.models.functions import Least


def address_failures(request) -> int:
    """Failed logins from the request's client address, over all user names, still counting.

    A user name adds at most the per-name limit: beyond it that name is locked anyway.
    """
    per_name_limit = settings.AXES_FAILURE_LIMIT
    total = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address,
        attempt_time__gte=get_cool_off_threshold(request),
    ).aggregate(total=Sum(Least("failures_since_start", Value(per_name_limit))))["total"]
    return total or 0


def address_is_locked(request) -> bool:
    return address_failures(request) >= settings.PARTYBUILD_LOGIN_ADDRESS_FAILURE_LIMIT


class LoginThrottleHandler(AxesDatabaseHandler):
    """Locked when the user name and address pair, or the address as a whole, failed too often."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        if address_is_locked(request):
            return max(failures, get_failure_limit(request, credentials))
        return failures
