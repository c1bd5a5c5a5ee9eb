"""What the organisation services share: row locks, one day, a branch's life span."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from partybuild.core.services import fmt

from ..models import Branch

ONE_DAY = timedelta(days=1)


def lock(model, pk):
    """Lock a row for the rest of the transaction so concurrent checks cannot both pass."""
    return model.objects.select_for_update().get(pk=pk)


def check_within_branch_life(branch: Branch, start: date, end: date | None,
                              what: str) -> None:
    if start < branch.founded_on:
        raise ValidationError(
            _("%(what)s开始日期 %(start)s 早于支部“%(branch)s”的成立日期 %(founded)s。")
            % {"what": what, "start": fmt(start), "branch": branch.name,
               "founded": fmt(branch.founded_on)}
        )
    if branch.dissolved_on is not None and (end is None or end > branch.dissolved_on):
        raise ValidationError(
            _("支部“%(branch)s”已于 %(dissolved)s 撤销，%(what)s不能延续到撤销之后。")
            % {"branch": branch.name, "dissolved": fmt(branch.dissolved_on), "what": what}
        )
