"""Writers for a year's scores (CSV, XLSX), and the stored scores shaped for them."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from partybuild.core.exports import csv_value, xlsx_append

from .engine import InstitutionScore

SCORE_COLUMNS = (
    "credit_code", "name", "region_code", "coverage", "charter", "four_ones", "activities",
    "hazards", "red_points", "deductions", "total", "grade", "red_list",
)


def score_row(score: InstitutionScore) -> list:
    """One CSV row in the column order of FORMATS.md."""
    return [
        score.credit_code, score.name, score.region_code,
        *(f"{getattr(score, key):.2f}" for key in SCORE_COLUMNS[3:11]),
        score.grade, "1" if score.red_list else "0",
    ]


def scores_csv(scores: list[InstitutionScore], stream: io.TextIOBase) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(SCORE_COLUMNS)
    for score in scores:
        writer.writerow([csv_value(value) for value in score_row(score)])


def scores_xlsx(scores: list[InstitutionScore], year: int) -> bytes:
    """The same table as the CSV, as a workbook with numeric cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{year}年党建评分"
    sheet.append(SCORE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for score in scores:
        xlsx_append(sheet, [
            score.credit_code, score.name, score.region_code,
            *(float(getattr(score, key)) for key in SCORE_COLUMNS[3:11]),
            score.grade, 1 if score.red_list else 0,
        ])
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=11):
        for cell in row:
            cell.number_format = "0.00"
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 36
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class StoredScoreRow:
    """A stored Score shaped like the engine's result, for the writers."""

    credit_code: str
    name: str
    region_code: str
    coverage: Decimal
    charter: Decimal
    four_ones: Decimal
    activities: Decimal
    hazards: Decimal
    red_points: Decimal
    deductions: Decimal
    total: Decimal
    grade: str
    red_list: bool


def stored_score_rows(*, year: int, institutions) -> list[StoredScoreRow]:
    """The stored scores of a year (a finalised year is never recomputed), in report order."""
    from .models import Score

    scores = (Score.objects.filter(year=year, institution__in=institutions.values("pk"))
              .select_related("institution__region")
              .order_by("-total", "institution__credit_code"))
    return [
        StoredScoreRow(
            credit_code=score.institution.credit_code, name=score.institution.name,
            region_code=score.institution.region.code,
            **{key: getattr(score, key) for key in SCORE_COLUMNS[3:11]},
            grade=score.grade, red_list=score.red_list,
        )
        for score in scores
    ]
