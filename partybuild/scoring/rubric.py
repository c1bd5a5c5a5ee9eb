"""The scoring rubric: the points of each item and the thresholds (SCORING.md defaults)."""

from dataclasses import asdict, dataclass
from decimal import Decimal


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
