"""The score panel of the institution page."""

from django import template

from partybuild.scoring import selectors, services
from partybuild.scoring.models import grade_label as label_of_grade
from partybuild.scoring.rubric import deduction_display

register = template.Library()


@register.inclusion_tag("scoring/_score_panel.html")
def institution_score_panel(institution, user):
    """Last year's stored score and grade, linking to the score page (staff, reviewers, admins)."""
    if not services.may_read_scores(user):
        return {"hidden": True}
    return {"institution": institution, "hidden": False,
            **selectors.institution_score_panel(user=user, institution=institution)}


@register.filter
def grade_label(value) -> str:
    """A stored grade (优秀) in the reader's language (Excellent)."""
    return label_of_grade(value)


@register.filter
def deduction(value) -> str:
    """A deduction with its sign, the one convention of every page: -10.00 or 0.00."""
    return deduction_display(value)


@register.inclusion_tag("scoring/_reviewer_workspace.html")
def reviewer_workspace(user):
    """The reviewer's home: last year's inspections of their region by status (one query)."""
    if not services.may_review(user):
        return {"hidden": True}
    return {"hidden": False, "workspace": selectors.reviewer_workspace(user=user)}
