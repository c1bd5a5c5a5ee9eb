"""Who may open the dashboard and download which PDF; out of scope is 404."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AssignmentFactory

from .conftest import YEAR
from .pdf_text import pdf_text

DASHBOARD = reverse("reports:dashboard")
REGION_PDF = reverse("reports:region_pdf")
DUTY_CARDS_PDF = reverse("reports:duty_cards_pdf")


def institution_pdf(institution) -> str:
    return reverse("reports:institution_pdf", args=[institution.pk]) + f"?year={YEAR}"


def duty_card_pdf(institution) -> str:
    return reverse("reports:institution_duty_card_pdf", args=[institution.pk])


def test_dashboard_shows_the_charts_data_and_loads_the_vendored_chart_js(client, alice,
                                                                          small_city):
    client.force_login(alice)
    response = client.get(DASHBOARD, {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert "赫山区 2024 年度党建工作报告" in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "cdn" not in html.lower()
    charts = json.loads(html.split('<script id="report-charts" type="application/json">')[1]
                        .split("</script>")[0])
    assert charts["four_ones"] == [100.0] * 6 + [50.0] * 6
    assert charts["coverage"] == [100.0] * 12
    assert charts["grades"] == {"labels": ["优秀", "良好", "合格", "不合格"],
                                "counts": [1, 0, 0, 1]}
    assert "甲机构" in html and f"{REGION_PDF}?region=430903&amp;year=2024" in html


def test_an_administrator_compares_the_districts_of_the_city(client, dave, small_city):
    client.force_login(dave)
    response = client.get(DASHBOARD, {"region": "430900", "year": YEAR})
    assert response.status_code == 200
    charts = response.context["charts"]
    assert charts["districts"] == {"labels": ["资阳区", "赫山区"], "coverage": [0.0, 100.0],
                                   "average": [15.0, 58.75]}


def test_a_region_outside_the_users_scope_is_404(client, alice, eve, small_city):
    client.force_login(eve)
    assert client.get(DASHBOARD, {"region": "430903"}).status_code == 404
    assert client.get(REGION_PDF, {"region": "430903"}).status_code == 404
    client.force_login(alice)
    # The city is above alice's county: she may not report on it either.
    assert client.get(DASHBOARD, {"region": "430900"}).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, small_city):
    good, _weak, _other = small_city
    for url in (DASHBOARD, REGION_PDF, DUTY_CARDS_PDF, institution_pdf(good),
                duty_card_pdf(good)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_instructors_may_not_open_the_dashboard_or_region_reports(client, bob, small_city):
    good, _weak, _other = small_city
    AssignmentFactory(instructor=bob.instructor, institution=good)
    client.force_login(bob)
    for url in (DASHBOARD, REGION_PDF, DUTY_CARDS_PDF, institution_pdf(good)):
        assert client.get(url).status_code == 403


def test_region_pdf_downloads_with_the_regions_figures(client, carol, small_city):
    client.force_login(carol)
    response = client.get(REGION_PDF, {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="region-report-430903-2024.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "赫山区2024年度校外培训机构党建工作报告" in text and "1甲机构" in text


def test_institution_pdf_for_staff_and_404_outside_scope(client, alice, eve, small_city):
    good, _weak, _other = small_city
    client.force_login(alice)
    response = client.get(institution_pdf(good))
    assert response.status_code == 200
    assert "总分90.00分，等级：优秀" in pdf_text(response.content)
    client.force_login(eve)
    assert client.get(institution_pdf(good)).status_code == 404


def test_region_duty_cards_for_staff(client, alice, small_city):
    client.force_login(alice)
    response = client.get(DUTY_CARDS_PDF)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "甲机构" in text and "乙机构" in text and "丙机构" not in text


@pytest.mark.parametrize("who", ["alice", "carol", "dave"])
def test_readers_download_one_institutions_duty_card(client, who, request, small_city):
    good, _weak, _other = small_city
    client.force_login(request.getfixturevalue(who))
    response = client.get(duty_card_pdf(good))
    assert response.status_code == 200
    assert "刘红" in pdf_text(response.content)


def test_instructors_print_the_duty_cards_of_their_own_institutions_only(client, bob,
                                                                         small_city):
    good, weak, other = small_city
    AssignmentFactory(instructor=bob.instructor, institution=good)
    client.force_login(bob)
    response = client.get(duty_card_pdf(good))
    assert response.status_code == 200
    assert "李波" in pdf_text(response.content)
    assert client.get(duty_card_pdf(weak)).status_code == 404
    assert client.get(duty_card_pdf(other)).status_code == 404


def test_eve_may_not_print_duty_cards_of_another_county(client, eve, small_city):
    good, _weak, _other = small_city
    client.force_login(eve)
    assert client.get(duty_card_pdf(good)).status_code == 404


def test_a_malformed_year_falls_back_to_this_year(client, alice, small_city):
    client.force_login(alice)
    response = client.get(DASHBOARD, {"year": "二〇二四"})
    assert response.status_code == 200 and response.context["year"] == timezone.localdate().year


def test_the_institution_page_links_to_its_reports(client, alice, bob, small_city):
    good, _weak, _other = small_city
    AssignmentFactory(instructor=bob.instructor, institution=good)
    page = reverse("organisation:institution_detail", args=[good.pk])
    client.force_login(alice)
    html = client.get(page).content.decode()
    assert reverse("reports:institution_pdf", args=[good.pk]) in html
    assert duty_card_pdf(good) in html
    client.force_login(bob)
    html = client.get(page).content.decode()
    assert duty_card_pdf(good) in html
    assert reverse("reports:institution_pdf", args=[good.pk]) not in html
