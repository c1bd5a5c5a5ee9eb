"""The scoring rubric: the points of each item and the thresholds (SCORING.md defaults)."""

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from partybuild.core.years import FIRST_YEAR, LAST_YEAR, year_in_range  # noqa: F401


@dataclass(frozen=True)
class RubricValues:
    coverage_max: Decimal = Decimal("20")
    charter_max: Decimal = Decimal("5")
    four_ones_max: Decimal = Decimal("40")
    activities_max: Decimal = Decimal("15")
    activities_target: int = 12
    hazards_max: Decimal = Decimal("10")
    red_points_max: Decimal = Decimal("10")
    deduction_per_clue: Decimal = Decimal("10")
    excellent_from: Decimal = Decimal("90")
    good_from: Decimal = Decimal("75")
    pass_from: Decimal = Decimal("60")
    red_list_from: Decimal = Decimal("90")

    def as_dict(self) -> dict:
        return {key: str(value) for key, value in asdict(self).items()}


DEFAULT_RUBRIC = RubricValues()



class YearConverter:
    """A year in a URL: four digits in FIRST_YEAR..LAST_YEAR, anything else no match (404)."""

    regex = "[0-9]{1,20}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not year_in_range(year):
            raise ValueError(value)
        return year

    def to_url(self, value) -> str:
        return str(int(value))

GRADE_EXCELLENT, GRADE_GOOD, GRADE_PASS, GRADE_FAIL = "优秀", "良好", "合格", "不合格"


def grade_for(total: Decimal, rubric: RubricValues = DEFAULT_RUBRIC) -> str:
    """The grade of a party-building total: 优秀, 良好, 合格 or 不合格."""
    if total >= rubric.excellent_from:
        return GRADE_EXCELLENT
    if total >= rubric.good_from:
        return GRADE_GOOD
    if total >= rubric.pass_from:
        return GRADE_PASS
    return GRADE_FAIL


# ASCII hyphen-minus: the embedded PDF font has it, and a figure copied into Excel stays a
# number.
MINUS = "-"


def deduction_display(value) -> str:
    """A deduction as every page and PDF shows it: negative (-10.00), or 0.00 when none.

    Stored scores and the data files (the annual_scores CSV of FORMATS.md, table exports)
    keep the positive amount under 违规扣分; only what people read carries the sign.
    """
    if value in (None, ""):
        return "—"
    amount = Decimal(str(value)).copy_abs().quantize(Decimal("0.01"))
    return f"{MINUS}{amount}" if amount else "0.00"


# How a hazard of the year stands for its rectification item, on the as-of day.
HAZARD_STANDINGS = {
    "on_time": (_("按期"), "ok"),
    "late": (_("逾期整改"), "warn"),
    "overdue": (_("逾期"), "bad"),
    "pending": (_("未到期"), "warn"),
}


def as_of_day(year: int, today: date) -> date:
    """The day a year's figures stand on: 31 December, or today while the year runs."""
    return min(date(year, 12, 31), today)


def hazard_standing(*, deadline: date, rectified_on: date | None, as_of: date) -> str:
    """on_time, late (rectified after the deadline), overdue (open and the deadline is
    past on the as-of day) or pending (open, the deadline not yet past): 逾期 only when
    the deadline has passed."""
    if rectified_on is not None:
        # As the score counts it (rectified on or before the deadline), whenever that was.
        return "on_time" if rectified_on <= deadline else "late"
    return "overdue" if deadline < as_of else "pending"
