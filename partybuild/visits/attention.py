"""What the staff home counts from the visits app, each the exact rows of a list filter."""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q


def clue_review_days() -> int:
    return getattr(settings, "PARTYBUILD_REMINDER_CLUE_REVIEW_DAYS", 7)


def awaiting_review_q(day: date) -> Q:
    """Clues not reviewed more than PARTYBUILD_REMINDER_CLUE_REVIEW_DAYS days after their date.

    A clue dated D may be reviewed up to D + 7 (the default); from D + 8 on it is awaiting.
    """
    return Q(reviewed_on__isnull=True, date__lt=day - timedelta(days=clue_review_days()))
