"""Every export keeps a record's text from running as a formula, without changing it.

An institution named `=HYPERLINK(...)` must stay that text in the city's files: in XLSX a
text cell holding exactly the name (no visible `'`), in CSV the OWASP `'` prefix. The test
walks every list page that offers exports (read from the URL configuration, so a new one is
covered without touching this file), the completeness workbook and `annual_scores`.
"""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from partybuild.core.exports import TableExportMixin, csv_value
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    InstructorFactory,
)
from tests.factories_visits import VisitFactory

HOSTILE_NAME = '=HYPERLINK("http://evil.example/steal","点此查看")'
HOSTILE_BRANCH = "+联合党支部"
HOSTILE_INSTRUCTOR = "@刘芳"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_list_urls() -> list[str]:
    """The URL of every list page that offers ?_export=, without URL arguments."""
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                view_class = getattr(pattern.callback, "view_class", None)
                if view_class and issubclass(view_class, TableExportMixin) and pattern.name \
                        and not pattern.pattern.regex.groupindex:
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                    found.append(reverse(name))

    walk(get_resolver().url_patterns, None)
    return found


@pytest.fixture
def hostile_city(county_a, committee_a):
    institution = InstitutionFactory(name=HOSTILE_NAME, region=county_a,
                                     opened_on=date(2020, 1, 1))
    branch = BranchFactory(name=HOSTILE_BRANCH, committee=committee_a)
    CoverageFactory(branch=branch, institution=institution, start=date(2021, 1, 1))
    instructor = InstructorFactory(name=HOSTILE_INSTRUCTOR, region=county_a)
    AssignmentFactory(instructor=instructor, institution=institution, start=date(2022, 1, 1))
    VisitFactory(instructor=instructor, institution=institution, date=date(2025, 5, 6))
    return institution


def assert_xlsx_safe(content: bytes) -> set:
    """No cell of the workbook is a formula; the set of every text value it holds."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    texts = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    return texts


def assert_csv_safe(text: str) -> set:
    fields = {field for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for field in row}
    for field in fields:
        if field.startswith(FORMULA_START):
            # Only plain numbers (a negative figure) may start with a sign.
            assert field.lstrip("+-").replace(".", "", 1).isdigit(), field
    return fields


def test_every_list_export_writes_text_as_text(client, dave, hostile_city):
    client.force_login(dave)
    urls = export_list_urls()
    assert len(urls) >= 9, urls
    seen_in = []
    for url in urls:
        response = client.get(url, {"_export": "xlsx"})
        assert response.status_code == 200, url
        texts = assert_xlsx_safe(response.content)
        fields = assert_csv_safe(client.get(url, {"_export": "csv"}).content.decode("utf-8"))
        for value in (HOSTILE_NAME, HOSTILE_BRANCH, HOSTILE_INSTRUCTOR):
            # XLSX holds the value exactly; CSV with the one-character OWASP prefix.
            assert ("'" + value in fields) == (value in texts), (url, value)
            if value in texts:
                seen_in.append((url, value))
    assert {value for _url, value in seen_in} == {HOSTILE_NAME, HOSTILE_BRANCH,
                                                   HOSTILE_INSTRUCTOR}


def test_the_completeness_workbook_writes_names_as_text(client, alice, hostile_city):
    client.force_login(alice)
    response = client.get(reverse("visits:completeness"),
                          {"year": 2025, "month": 5, "_export": "xlsx"})
    assert response.status_code == 200
    texts = assert_xlsx_safe(response.content)
    assert HOSTILE_NAME in texts and HOSTILE_INSTRUCTOR in texts


def test_annual_scores_csv_and_xlsx_keep_the_name_as_text(hostile_city, tmp_path):
    out = io.StringIO()
    call_command("annual_scores", "--year", "2025", stdout=out)
    fields = assert_csv_safe(out.getvalue())
    assert "'" + HOSTILE_NAME in fields
    path = tmp_path / "scores.xlsx"
    call_command("annual_scores", "--year", "2025", "--output", str(path), stdout=io.StringIO())
    texts = assert_xlsx_safe(path.read_bytes())
    assert HOSTILE_NAME in texts
    # Figures stay numbers.
    sheet = openpyxl.load_workbook(path).active
    assert all(isinstance(cell.value, int | float) for cell in sheet[2][3:11])


@pytest.mark.parametrize("value, expected", [
    ("=1+2", "'=1+2"), ("+86 138", "'+86 138"), ("-联合", "'-联合"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("-10.00", "-10.00"), ("+5", "+5"), (-3.5, -3.5),
    ("赫山区", "赫山区"), (None, ""), ("a=b", "a=b"),
])
def test_csv_values_are_neutralised_the_owasp_way(value, expected):
    assert csv_value(value) == expected
