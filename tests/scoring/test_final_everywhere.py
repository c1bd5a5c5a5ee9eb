"""Final stays final, everywhere: for every finalised institution-year of the seeded demo city,
the score page, the inspection page, the institution PDF and the score list's CSV and XLSX
exports state the same total, also after late records; recompute is no longer offered, and
a late edit is flagged and explained item by item with who and when."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from partybuild.accounts.models import User
from partybuild.scoring.models import Inspection, Score
from partybuild.scoring.services import (
    inspection_adjust_party_building,
    inspection_enter_section,
    inspection_finalise,
    scores_recompute,
)
from partybuild.visits.models import Clue, Visit
from tests.reports.pdf_text import pdf_text

YEAR = timezone.localdate().year - 1


@pytest.fixture
def finalised_city(db):
    call_command("seed_demo", "--institutions", "60", stdout=io.StringIO())
    reviewer = User.objects.get(username="reviewer")
    admin = User.objects.get(username="admin")
    scores_recompute(acting_user=admin, year=YEAR)
    # Two inspections finalised before the year, one with an adjusted party-building section
    # (the reviewer's 复核 keeps both figures; the score itself is the computed one).
    inspected = list(Score.objects.filter(year=YEAR).order_by("institution__credit_code")[:2])
    for score in inspected:
        inspection = Inspection.objects.create(institution=score.institution, year=YEAR,
                                               party_building_computed=score.total)
        for section in ("conditions", "teaching", "finance", "safety"):
            inspection = inspection_enter_section(acting_user=reviewer, inspection=inspection,
                                                  section=section, score=Decimal("85"))
        if score is inspected[0]:
            inspection = inspection_adjust_party_building(
                acting_user=reviewer, inspection=inspection,
                adjusted=min(score.total + 5, Decimal(100)), reason="台账核实后上调")
        inspection_finalise(acting_user=reviewer, inspection=inspection)
    call_command("finalise_year", "--year", str(YEAR), "--user", "admin", stdout=io.StringIO())
    return admin, reviewer


def totals_of_export(client, fmt: str) -> dict[str, str]:
    response = client.get(reverse("scoring:score_list", args=[YEAR]), {"_export": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        return {row["统一社会信用代码"]: row["总分"] for row in rows}
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    code, total = values[0].index("统一社会信用代码"), values[0].index("总分")
    return {row[code]: f"{Decimal(str(row[total])):.2f}" for row in values[1:]}


def late_edits(admin):
    """After finalisation: a back-dated substantiated clue and an edited January visit."""
    first = Score.objects.filter(year=YEAR).order_by("-total", "institution__credit_code")[0]
    Clue.objects.create(institution=first.institution, date=date(YEAR, 11, 20),
                        description="补录：超范围招生", substantiated=True, recorded_by=admin)
    return first


def test_every_finalised_institution_year_states_one_total_everywhere(client, finalised_city):
    admin, reviewer = finalised_city
    changed = late_edits(admin)
    client.force_login(reviewer)
    csv_totals, xlsx_totals = totals_of_export(client, "csv"), totals_of_export(client, "xlsx")
    scores = list(Score.objects.filter(year=YEAR).select_related("institution"))
    assert len(scores) >= 50
    for score in scores:
        institution, total = score.institution, f"{score.total:.2f}"
        page = client.get(reverse("scoring:score_detail", args=[YEAR, institution.pk]))
        content = page.content.decode()
        assert f'<span class="value">{total}</span>' in content, institution.name
        assert "定稿" in content
        assert reverse("scoring:recompute_institution", args=[YEAR, institution.pk]) \
            not in content
        inspection = client.get(reverse("scoring:inspection", args=[YEAR, institution.pk]))
        assert f"计算得分：{total}" in inspection.content.decode(), institution.name
        pdf = client.get(reverse("reports:institution_pdf", args=[institution.pk]),
                         {"year": YEAR})
        assert f"总分{total}分" in pdf_text(pdf.content), institution.name
        assert csv_totals[institution.credit_code] == total
        assert xlsx_totals[institution.credit_code] == total
        flagged = "定稿后记录有变更" in content
        assert flagged == (institution.pk == changed.institution_id), institution.name


def test_a_reviewer_sees_the_late_edit_flagged_and_explained(client, finalised_city):
    admin, reviewer = finalised_city
    changed = late_edits(admin)
    final_total = f"{changed.total:.2f}"
    visit = Visit.objects.filter(institution=changed.institution, date__year=YEAR).first()
    visit.notes = "补充说明：一月走访内容"
    visit._history_user = admin
    visit.save()
    client.force_login(reviewer)
    url = reverse("scoring:score_detail", args=[YEAR, changed.institution_id])
    content = client.get(url).content.decode()
    difference_url = reverse("scoring:score_difference", args=[YEAR, changed.institution_id])
    assert "定稿后记录有变更" in content and difference_url in content
    difference = client.get(difference_url).content.decode()
    assert final_total in difference
    assert f"{max(changed.total - 10, Decimal(0)):.2f}" in difference
    assert "违规线索" in difference or "线索" in difference
    assert str(admin) in difference and "补充说明：一月走访内容" in difference
    # Recompute is refused for the finalised year, whatever is posted.
    response = client.post(reverse("scoring:recompute_institution",
                                   args=[YEAR, changed.institution_id]), {"confirm": "1"})
    assert response.status_code in (200, 403)
    assert Score.objects.get(pk=changed.pk).total == changed.total
    # The region's list of late changes names the institution and the items.
    listing = client.get(reverse("scoring:late_changes", args=[YEAR])).content.decode()
    assert changed.institution.name in listing and "违规扣分" in listing


def test_record_forms_warn_before_a_late_change(client, finalised_city):
    admin, _reviewer = finalised_city
    client.force_login(User.objects.get(username="staff"))
    form = client.get(reverse("visits:hazard_create")).content.decode()
    assert f"{YEAR} 年度已定稿" in form and "定稿后变更" in form
    visit = Visit.objects.filter(date__year=YEAR).first()
    edit = client.get(reverse("visits:visit_update", args=[visit.pk])).content.decode()
    assert "该记录日期在定稿年度内" in edit
