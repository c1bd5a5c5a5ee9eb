"""What is final stays final: the finalised figures of an institution-year, and how today's
records would score it differently (late changes).

An institution-year is final when the whole year is finalised or when its inspection is.
Its stored Score then never changes (the services refuse to replace it), so the stored
Score *is* the finalised figure everywhere: pages, PDFs, the dashboard, exports and
commands. "Current" is a fresh computation by the engine with the year's rubric, never
stored.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from partybuild.organisation.models import Institution

from .engine import InstitutionScore, score_institutions
from .models import Inspection, RedListPublication, Rubric, Score

# The items of late_changes, in the order of FORMATS.md.
LATE_ITEMS = ("coverage", "charter", "four_ones", "activities", "hazards", "red_points",
              "deductions", "total", "red_list")
LATE_COLUMNS = ("credit_code", "name", "item", "final", "current")


def frozen_institution_ids(year: int) -> QuerySet:
    """Institutions whose stored score of the year a finalised inspection used."""
    return Score.objects.filter(
        year=year, institution__inspections__year=year,
        institution__inspections__finalised_at__isnull=False).values("institution_id")


def year_rubric(year: int) -> Rubric | None:
    """The year's rubric if it exists (reading never creates one)."""
    return Rubric.objects.filter(year=year).first()


def year_is_final(year: int) -> bool:
    return Rubric.objects.filter(year=year, finalised_at__isnull=False).exists()


def current_publication(year: int) -> RedListPublication | None:
    """The current (highest) version of the year's published red list, or None."""
    return (RedListPublication.objects.filter(year=year).select_related("published_by")
            .order_by("-version").first())


def published_ids(year: int) -> set[int] | None:
    """Institutions on the current published red list of the year; None while unpublished."""
    publication = current_publication(year)
    if publication is None:
        return None
    return set(publication.entries.values_list("institution_id", flat=True))


def final_scores(*, year: int, institutions: QuerySet[Institution]) -> dict[int, Score]:
    """Institution id → the finalised Score, for the final institution-years among them."""
    scores = Score.objects.filter(year=year, institution__in=institutions.values("pk"))
    if not year_is_final(year):
        scores = scores.filter(
            institution__inspections__year=year,
            institution__inspections__finalised_at__isnull=False)
    return {score.institution_id: score
            for score in scores.select_related("institution__region")}


@dataclass(frozen=True)
class Finality:
    """Whether one institution-year is final, since when, and by what."""

    final: bool
    since: datetime | None = None
    by_year: bool = False


def finality_of(*, institution_id: int, year: int) -> Finality:
    rubric = Rubric.objects.filter(year=year, finalised_at__isnull=False).first()
    inspection = (Inspection.objects.filter(institution_id=institution_id, year=year,
                                            finalised_at__isnull=False).first())
    return finality_from(rubric=rubric, inspection=inspection)


def finality_from(*, rubric: Rubric | None, inspection: Inspection | None) -> Finality:
    """finality_of, from the year's rubric and the institution's inspection already read
    (either may be None or not finalised): the score page reads both anyway."""
    rubric = rubric if rubric is not None and rubric.finalised_at else None
    inspection = inspection if inspection is not None and inspection.finalised_at else None
    moments = [moment for moment in (rubric and rubric.finalised_at,
                                     inspection and inspection.finalised_at) if moment]
    if not moments:
        return Finality(final=False)
    # The earliest lock is the one later records must be compared with.
    return Finality(final=True, since=min(moments), by_year=rubric is not None)


# Differences ------------------------------------------------------------------------------


def _value(score, item: str, on_list: bool | None = None) -> str:
    if score is None:
        return ""
    if item == "red_list":
        listed = score.red_list if on_list is None else on_list
        return "1" if listed else "0"
    return f"{Decimal(getattr(score, item)):.2f}"


@dataclass(frozen=True)
class ItemDifference:
    item: str
    final: str
    current: str


def differences(final: Score | None, current: InstitutionScore | None,
                final_on_list: bool | None = None) -> list[ItemDifference]:
    """The items whose value today differs from the finalised one, in LATE_ITEMS order.

    An institution on one side only (no finalised score, or no months in scope today)
    differs in every item; the missing side's value is empty.
    """
    if final is None and current is None:
        return []
    rows = []
    for item in LATE_ITEMS:
        before = _value(final, item, final_on_list)
        now = _value(current, item)
        if before != now:
            rows.append(ItemDifference(item, before, now))
    return rows


@dataclass(frozen=True)
class LateChange:
    institution_id: int
    credit_code: str
    name: str
    item: str
    final: str
    current: str

    @property
    def label(self) -> str:
        return str(Score._meta.get_field(self.item).verbose_name)

    def as_row(self) -> list[str]:
        return [self.credit_code, self.name, self.item, self.final, self.current]


def late_changes(*, year: int, institutions: QuerySet[Institution]) -> list[LateChange]:
    """Every item of a finalised year whose value from today's records differs from the
    finalised one, sorted by credit code, then in item order (FORMATS.md `late_changes`).

    The finalised red-list flag is the current published list's (the official record);
    without a publication, the stored score's.
    """
    rubric = year_rubric(year)
    if rubric is None:
        return []
    finals = final_scores(year=year, institutions=institutions)
    current = {score.institution_id: score for score in score_institutions(
        institutions=institutions, year=year, rubric=rubric.values())}
    listed = published_ids(year)
    both = set(finals) | set(current)
    names, codes = {}, {}
    for pk, name, code in Institution.objects.filter(pk__in=both).values_list(
            "pk", "name", "credit_code"):
        names[pk], codes[pk] = name, code
    changes = []
    for pk in both:
        on_list = None if listed is None or pk not in finals else pk in listed
        for difference in differences(finals.get(pk), current.get(pk), on_list):
            changes.append(LateChange(pk, codes[pk], names[pk], difference.item,
                                      difference.final, difference.current))
    order = {item: index for index, item in enumerate(LATE_ITEMS)}
    changes.sort(key=lambda change: (change.credit_code, order[change.item]))
    return changes


def institution_difference(*, institution: Institution, year: int
                           ) -> tuple[Score | None, InstitutionScore | None,
                                      list[ItemDifference]]:
    """One final institution-year: its finalised score, today's computation, and the items
    that differ (empty when nothing does, or when it is not final)."""
    finals = final_scores(year=year, institutions=Institution.objects.filter(pk=institution.pk))
    final = finals.get(institution.pk)
    rubric = year_rubric(year)
    live = score_institutions(institutions=Institution.objects.filter(pk=institution.pk),
                              year=year, rubric=rubric.values()) if rubric else []
    current = live[0] if live else None
    if final is None:
        return None, current, []
    listed = published_ids(year) if year_is_final(year) else None
    on_list = None if listed is None else institution.pk in listed
    return final, current, differences(final, current, on_list)
