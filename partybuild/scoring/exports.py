"""Writers for a year's scores: CSV and XLSX, from already-computed scores (no queries)."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

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
        writer.writerow(score_row(score))


def scores_xlsx(scores: list[InstitutionScore], year: int) -> bytes:
    """The same table as the CSV, as a workbook with numeric cells."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{year}年党建评分"
    sheet.append(SCORE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for score in scores:
        sheet.append([
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
