"""The pairing list (结对共建)."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from tests.factories import BranchFactory, PairingFactory
from tests.pages_data import build_county

LIST = reverse("organisation:pairing_list")


@pytest.fixture
def county(county_a, committee_a):
    return build_county(county_a, committee_a)


@pytest.fixture
def other_county(county_b, committee_b):
    return build_county(county_b, committee_b)


def rows(response):
    return [row.record for row in response.context["table"].paginated_rows]


@pytest.mark.parametrize("user_fixture", ["alice", "carol", "dave"])
def test_structure_readers_open_the_list(client, county, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(LIST).status_code == 200


def test_the_outsider_sees_only_her_county(client, county, other_county, eve):
    client.force_login(eve)
    assert {p.branch.name[:3] for p in rows(client.get(LIST))} == {"资阳区"}


def test_instructors_are_refused(client, county, bob):
    client.force_login(bob)
    assert client.get(LIST).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, county):
    response = client.get(LIST)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_list_shows_holding_and_ended_pairings_and_filters_them(client, county, alice):
    client.force_login(alice)
    listed = rows(client.get(LIST))
    assert len(listed) == 4
    assert [p.holding_today for p in listed] == [True, True, True, False]
    holding = rows(client.get(f"{LIST}?holding=yes"))
    assert {(p.branch.name, p.school_branch.school) for p in holding} == {
        ("赫山区第一联合党支部", "赫山区第1中学"), ("赫山区第一联合党支部", "赫山区第2中学"),
        ("赫山区飞跃体育党支部", "赫山区第1中学")}
    ended = rows(client.get(f"{LIST}?holding=no"))
    assert [(p.branch.name, p.end) for p in ended] == [("赫山区第二联合党支部", date(2023, 6, 30))]
    by_branch = rows(client.get(f"{LIST}?branch={county.branches['S1'].pk}"))
    assert len(by_branch) == 1


def test_staff_get_an_end_button_only_for_holding_pairings(client, county, alice, carol):
    client.force_login(alice)
    html = client.get(LIST).content.decode()
    holding = rows(client.get(LIST))[0]
    assert reverse("organisation:pairing_end", args=[holding.pk]) in html
    client.force_login(carol)
    assert "结束结对" not in client.get(LIST).content.decode()


@pytest.fixture
def sixty(committee_a):
    for n in range(60):
        PairingFactory(branch=BranchFactory(name=f"赫山区第{n:02d}联合党支部",
                                            committee=committee_a))


def test_the_list_takes_a_constant_number_of_queries(client, sixty, alice,
                                                     django_assert_max_num_queries):
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(LIST)
    assert len(response.context["table"].paginated_rows) == 50


def test_csv_export_has_all_rows_without_the_action_column(client, sixty, alice):
    client.force_login(alice)
    text = client.get(f"{LIST}?_export=csv").content.decode("utf-8")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0] == ["支部", "学校", "学校支部", "开始日期", "结束日期", "状态"]
    assert len(table) == 61 and table[1][5] == "结对中"
