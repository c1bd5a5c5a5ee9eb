"""What the organisation services share: row locks, one day, a branch's life span."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError

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
            f"{what}开始日期 {fmt(start)} 早于支部“{branch.name}”的成立日期 "
            f"{fmt(branch.founded_on)}。"
        )
    if branch.dissolved_on is not None and (end is None or end > branch.dissolved_on):
        raise ValidationError(
            f"支部“{branch.name}”已于 {fmt(branch.dissolved_on)} 撤销，{what}不能延续到撤销之后。"
        )
