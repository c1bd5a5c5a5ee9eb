"""Property: any file of valid rows, dressed as offices save ledgers, imports to exactly the
records the clean file gives (FORMATS.md, "Files as offices really save them")."""

from datetime import date

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partybuild.core.credit_code import make_credit_code
from partybuild.organisation.models import Institution

from .conftest import import_file
from .dressing import FORMATS, Dress, dress_table, file_bytes

HEADER = ["机构名称", "统一社会信用代码", "类别", "证照状态", "所属区划", "开办日期", "从业人员数"]
CATEGORIES = ["学科类", "文化艺术", "体育", "科技"]
LICENCES = ["有照有证", "有照无证", "无照无证"]

institution_rows = st.lists(
    st.tuples(st.integers(100, 9_999_999), st.sampled_from(["阳光", "启明", "书香", "未来"]),
              st.sampled_from(CATEGORIES), st.sampled_from(LICENCES),
              st.dates(date(2010, 1, 1), date(2024, 12, 31)), st.integers(0, 500)),
    min_size=1, max_size=6, unique_by=lambda row: row[0],
).map(lambda rows: [[f"赫山区{word}培训学校{serial}", make_credit_code(serial, "430903"),
                     category, licence, "430903", opened, staff]
                    for serial, word, category, licence, opened, staff in rows])

dresses = st.builds(
    Dress, title_rows=st.integers(0, 3), serial=st.booleans(), decorate=st.booleans(),
    footer=st.booleans(), cover=st.booleans(), spaced_codes=st.booleans(),
    fmt=st.sampled_from(FORMATS),
)


def records_after(data: bytes, filename: str) -> tuple[str, dict]:
    """Import the file, read back what it wrote, undo it."""
    with transaction.atomic():
        result = import_file("institutions", data, filename)
        assert result.ok, result.error_lines()
        records = {
            institution.credit_code: (institution.name, institution.category,
                                      institution.licence, institution.region.code,
                                      institution.opened_on, institution.staff_count)
            for institution in Institution.objects.select_related("region")
            .filter(name__startswith="赫山区").exclude(name__startswith="赫山区阳光培训学校0")
        }
        line = result.summary_line().split("（")[0]
        transaction.set_rollback(True)
    return line, records


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(rows=institution_rows, dress=dresses)
def test_a_dressed_file_imports_to_the_same_records_as_the_clean_one(county_a, rows, dress):
    clean = file_bytes([HEADER, *rows], Dress(fmt="csv-utf8"))
    dressed = file_bytes(dress_table(HEADER, rows, dress, code_column=1), dress)
    name = "institutions." + ("xlsx" if dress.fmt == "xlsx" else
                              "xls" if dress.fmt == "xls" else "csv")

    expected = records_after(clean, "institutions.csv")
    assert records_after(dressed, name) == expected
    assert expected[0] == f"institutions: {len(rows)} created, 0 updated"
