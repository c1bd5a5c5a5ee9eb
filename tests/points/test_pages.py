"""The ranking page, the ledger page and the panel on the institution page."""

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partybuild.organisation.models import Institution
from partybuild.points.services import point_entry_correct
from tests.factories import AssignmentFactory, InstitutionFactory, RegionFactory
from tests.factories_points import PointEntryFactory

THIS_YEAR = timezone.localdate().year
LAST_YEAR = THIS_YEAR - 1
RANKING = reverse("points:ranking")
D = Decimal


def ledger_url(institution, year=None) -> str:
    url = reverse("points:ledger", args=[institution.pk])
    return f"{url}?year={year}" if year else url


def entry(institution, day, points, reason):
    return PointEntryFactory(institution=institution, date=day, points=D(points), reason=reason)


@pytest.fixture
def ledgers(county_a, county_b, alice):
    """Three 赫山区 institutions with last year's points, and one in 资阳区."""
    street = RegionFactory(code="430903001", name="赫山街道", level="street", parent=county_a)
    sunshine = InstitutionFactory(name="赫山区阳光艺术培训学校", region=county_a)
    mingde = InstitutionFactory(name="赫山区明德文化培训中心", region=street,
                                category=Institution.Category.ACADEMIC)
    quiet = InstitutionFactory(name="赫山区青苗体育培训学校", region=county_a,
                               category=Institution.Category.SPORTS)
    ziyang = InstitutionFactory(name="资阳区启明体育培训中心", region=county_b)

    entry(sunshine, date(LAST_YEAR, 3, 5), "5", "开展党建公益活动受到表彰")
    entry(sunshine, date(LAST_YEAR, 6, 1), "-1.5", "党建工作台账不规范")
    wrong = entry(sunshine, date(LAST_YEAR, 9, 10), "3", "组织党员参加志愿服务")
    point_entry_correct(acting_user=alice, entry=wrong, reason="该活动已在3月计分，重复录入")
    entry(sunshine, date(THIS_YEAR, 1, 8), "2", "主题党日活动获区级表彰")
    entry(mingde, date(LAST_YEAR, 4, 2), "8", "党建品牌创建示范单位")
    entry(mingde, date(LAST_YEAR, 11, 20), "4.5", "结对共建成效突出")
    entry(ziyang, date(LAST_YEAR, 5, 5), "9", "资阳区的表彰")
    return {"sunshine": sunshine, "mingde": mingde, "quiet": quiet, "ziyang": ziyang,
            "wrong": wrong}


def ranked(response) -> list[tuple[str, Decimal]]:
    return [(row.record.name, row.record.net) for row in response.context["table"].paginated_rows]


# The ranking -----------------------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["alice", "carol", "dave"])
def test_staff_reviewers_and_admins_open_the_ranking(client, ledgers, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(f"{RANKING}?year={LAST_YEAR}")
    assert response.status_code == 200
    assert "红名单积分" in response.content.decode()


def test_the_ranking_lists_institutions_by_net_points_of_the_year(client, ledgers, alice):
    client.force_login(alice)
    response = client.get(f"{RANKING}?year={LAST_YEAR}")
    # 明德 8 + 4.5; 阳光 5 − 1.5 + 3 − 3 (the correction); 青苗 has none.
    assert ranked(response) == [("赫山区明德文化培训中心", D("12.5")),
                                ("赫山区阳光艺术培训学校", D("3.5")),
                                ("赫山区青苗体育培训学校", D("0"))]
    text = response.content.decode()
    assert "资阳区启明体育培训中心" not in text


def test_the_ranking_shows_the_clamped_score_beside_the_raw_net(client, ledgers, alice):
    client.force_login(alice)
    response = client.get(f"{RANKING}?year={LAST_YEAR}")
    rows = list(response.context["table"].as_values())
    header, first = rows[0], rows[1]
    assert first[header.index("净积分")] == D("12.5")
    assert first[header.index("计入年度得分")] == D("10")


def test_the_year_filter_totals_another_year(client, ledgers, alice):
    client.force_login(alice)
    response = client.get(f"{RANKING}?year={THIS_YEAR}")
    assert ranked(response)[0] == ("赫山区阳光艺术培训学校", D("2"))
    assert {net for _, net in ranked(response)[1:]} == {D("0")}


def test_without_a_year_the_ranking_totals_this_year(client, ledgers, alice):
    client.force_login(alice)
    assert ranked(client.get(RANKING))[0] == ("赫山区阳光艺术培训学校", D("2"))


@pytest.mark.parametrize(("query", "expected"), [
    ("category=academic", ["赫山区明德文化培训中心"]),
    ("has_entries=no", ["赫山区青苗体育培训学校"]),
    ("has_entries=yes", ["赫山区明德文化培训中心", "赫山区阳光艺术培训学校"]),
])
def test_filters_narrow_the_ranking(client, ledgers, alice, query, expected):
    client.force_login(alice)
    response = client.get(f"{RANKING}?year={LAST_YEAR}&{query}")
    assert [name for name, _ in ranked(response)] == expected


def test_the_region_filter_includes_the_streets_below(client, ledgers, alice):
    street = ledgers["mingde"].region
    client.force_login(alice)
    response = client.get(f"{RANKING}?year={LAST_YEAR}&region={street.pk}")
    assert [name for name, _ in ranked(response)] == ["赫山区明德文化培训中心"]


def test_the_ranking_exports_as_csv_and_excel(client, ledgers, alice):
    client.force_login(alice)
    response = client.get(f"{RANKING}?year={LAST_YEAR}&_export=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "机构名称"
    assert rows[1][0] == "赫山区明德文化培训中心" and rows[1][-2:] == ["12.5", "10.0"]
    response = client.get(f"{RANKING}?year={LAST_YEAR}&_export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == "赫山区明德文化培训中心"
    assert sheet.max_row == 4


def test_the_outsider_sees_only_their_own_countys_ranking(client, ledgers, eve):
    client.force_login(eve)
    response = client.get(f"{RANKING}?year={LAST_YEAR}")
    assert ranked(response) == [("资阳区启明体育培训中心", D("9"))]


def test_instructors_are_refused_the_region_ranking(client, ledgers, bob):
    client.force_login(bob)
    assert client.get(RANKING).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, ledgers):
    for url in (RANKING, ledger_url(ledgers["sunshine"])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_ranking_query_count_does_not_grow_with_rows(client, county_a, alice,
                                                        django_assert_max_num_queries):
    for n in range(60):
        institution = InstitutionFactory(name=f"赫山区第{n:02d}号培训学校", region=county_a)
        entry(institution, date(LAST_YEAR, 5, 1), str(n % 9 + 1), "开展党建公益活动受到表彰")
        entry(institution, date(LAST_YEAR, 7, 1), "-1", "党建工作台账不规范")
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(f"{RANKING}?year={LAST_YEAR}")
    assert len(response.context["table"].paginated_rows) == 50
    with django_assert_max_num_queries(10):
        response = client.get(f"{RANKING}?year={LAST_YEAR}&_export=csv")
    assert response.content.decode("utf-8-sig").count("\n") == 61


# The ledger page -------------------------------------------------------------------------------


def test_the_ledger_shows_the_years_entries_with_running_and_net_totals(client, ledgers,
                                                                       alice):
    client.force_login(alice)
    response = client.get(ledger_url(ledgers["sunshine"], LAST_YEAR))
    assert response.status_code == 200
    ledger = response.context["ledger"]
    assert [line.running for line in ledger.lines] == [D("5"), D("3.5"), D("6.5"), D("3.5")]
    assert ledger.net == D("3.5") == ledger.lines[-1].running
    # The −3 corrects the +3: it offsets that addition and is no deduction (issue 12).
    assert (ledger.added, ledger.deducted) == (D("5"), D("-1.5"))
    assert ledger.added + ledger.deducted == ledger.net
    text = response.content.decode()
    assert "开展党建公益活动受到表彰" in text and "主题党日活动获区级表彰" not in text
    assert "该活动已在3月计分，重复录入" in text
    assert f"已被 {LAST_YEAR}-09-10 的记录更正" in text
    assert ledger.years == [LAST_YEAR, THIS_YEAR]


def test_staff_see_the_add_and_correct_buttons_reviewers_do_not(client, ledgers, alice, carol):
    add_url = reverse("points:entry_add", args=[ledgers["sunshine"].pk])
    correctable = reverse("points:entry_correct", args=[ledgers["sunshine"].point_entries
                                                       .get(reason="党建工作台账不规范").pk])
    already_corrected = reverse("points:entry_correct", args=[ledgers["wrong"].pk])
    client.force_login(alice)
    text = client.get(ledger_url(ledgers["sunshine"], LAST_YEAR)).content.decode()
    assert add_url in text and correctable in text and already_corrected not in text
    client.force_login(carol)
    text = client.get(ledger_url(ledgers["sunshine"], LAST_YEAR)).content.decode()
    assert add_url not in text and correctable not in text


def test_the_outsider_gets_404_for_a_county_a_ledger(client, ledgers, eve):
    client.force_login(eve)
    assert client.get(ledger_url(ledgers["sunshine"])).status_code == 404


def test_an_instructor_reads_the_ledger_of_an_assigned_institution_only(client, ledgers, bob):
    AssignmentFactory(instructor=bob.instructor, institution=ledgers["sunshine"])
    client.force_login(bob)
    response = client.get(ledger_url(ledgers["sunshine"], LAST_YEAR))
    assert response.status_code == 200
    assert reverse("points:entry_add", args=[ledgers["sunshine"].pk]) not in \
        response.content.decode()
    assert client.get(ledger_url(ledgers["mingde"])).status_code == 404


def test_the_ledger_query_count_does_not_grow_with_entries(client, institution_a, alice,
                                                           django_assert_max_num_queries):
    for n in range(60):
        made = entry(institution_a, date(LAST_YEAR, 1 + n % 12, 1 + n // 12), "1",
                     f"开展党建公益活动受到表彰（{n}）")
        if n % 10 == 0:
            point_entry_correct(acting_user=alice, entry=made, reason="分值录入错误")
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(ledger_url(institution_a, LAST_YEAR))
    assert len(response.context["ledger"].lines) == 66
    assert response.context["ledger"].net == D("54")


# The panel on the institution page ---------------------------------------------------------------


def test_the_institution_page_shows_this_years_points_and_last_years_net(client, ledgers,
                                                                        alice):
    client.force_login(alice)
    response = client.get(reverse("organisation:institution_detail",
                                  args=[ledgers["sunshine"].pk]))
    text = response.content.decode()
    assert f"红名单积分（{THIS_YEAR} 年度）" in text
    assert "主题党日活动获区级表彰" in text
    assert "+3.5" in text  # last year's net
    assert ledger_url(ledgers["sunshine"]) in text
    assert reverse("points:entry_add", args=[ledgers["sunshine"].pk]) in text


def test_the_panel_adds_a_bounded_number_of_queries(client, institution_a, alice):
    url = reverse("organisation:institution_detail", args=[institution_a.pk])
    client.force_login(alice)
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    for n in range(30):
        entry(institution_a, date(THIS_YEAR, 1, 1 + n), "1", f"开展党建公益活动受到表彰（{n}）")
    with CaptureQueriesContext(connection) as with_entries:
        response = client.get(url)
    assert len(with_entries) == len(without)
    assert "另有 25 条较早的记录" in response.content.decode()


def test_a_ledger_opens_on_an_older_year_than_the_ranking_offers(client, institution_a, alice):
    entry(institution_a, date(2020, 6, 1), "2", "开展党建公益活动受到表彰")
    client.force_login(alice)
    response = client.get(ledger_url(institution_a, 2020))
    assert response.context["ledger"].year == 2020
    assert response.context["ledger"].net == D("2")
    assert client.get(ledger_url(institution_a, "abc")).context["ledger"].year == THIS_YEAR


def test_the_navigation_links_staff_and_reviewers_to_the_ranking(client, alice, carol, bob):
    home = reverse("home")
    for user in (alice, carol):
        client.force_login(user)
        assert f'href="{RANKING}"' in client.get(home).content.decode()
    client.force_login(bob)
    assert f'href="{RANKING}"' not in client.get(home).content.decode()
