from datetime import date

import pytest
from django.urls import reverse

from partybuild.core.credit_code import make_credit_code
from partybuild.organisation.models import Institution
from tests.action_helpers import (
    carried_values,
    confirm,
    flashed,
    form_error_text,
    is_confirmation_page,
    page_text,
    preview,
)
from tests.factories import InstitutionFactory

CREATE_URL = reverse("organisation:institution_create")


@pytest.fixture
def new_institution(county_a):
    return {
        "name": "赫山区星火科技培训学校",
        "credit_code": make_credit_code(9001),
        "permit_no": "教民143090300123",
        "category": Institution.Category.SCIENCE,
        "licence": Institution.Licence.LICENSED_PERMITTED,
        "region": county_a.pk,
        "address": "益阳市赫山区龙岭路8号",
        "founder": "刘建国",
        "opened_on": "2023-09-01",
        "closed_on": "",
        "suspended_on": "",
        "charter_includes_party_building": "on",
        "staff_count": "18",
    }


def test_the_create_form_uses_date_pickers(client, alice):
    client.force_login(alice)
    response = client.get(CREATE_URL)
    assert response.status_code == 200
    assert 'type="date" name="opened_on"' in page_text(response)


def test_confirming_a_new_institution_creates_it_and_records_who(client, alice, new_institution):
    client.force_login(alice)
    response = confirm(client, CREATE_URL, new_institution)
    institution = Institution.objects.get(name="赫山区星火科技培训学校")
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation:institution_detail",
                                           args=[institution.pk])
    assert institution.opened_on == date(2023, 9, 1)
    assert institution.staff_count == 18
    assert institution.charter_includes_party_building is True
    assert institution.history.latest().history_user == alice
    assert flashed(response) == ["已新增培训机构“赫山区星火科技培训学校”。"]


def test_a_new_institution_is_only_previewed_until_confirmed(client, alice, new_institution):
    client.force_login(alice)
    response = preview(client, CREATE_URL, new_institution)
    assert is_confirmation_page(response)
    text = page_text(response)
    assert "将新增培训机构“赫山区星火科技培训学校”。" in text
    assert f'value="{new_institution["credit_code"]}"' in text
    assert not Institution.objects.filter(name="赫山区星火科技培训学校").exists()


def test_the_confirmation_page_carries_exactly_what_was_typed(client, alice, new_institution):
    client.force_login(alice)
    typed = {**new_institution, "staff_count": ""}
    del typed["charter_includes_party_building"]
    response = preview(client, CREATE_URL, typed)
    response = confirm(client, CREATE_URL, carried_values(response))
    institution = Institution.objects.get(name="赫山区星火科技培训学校")
    assert response["Location"] == reverse("organisation:institution_detail",
                                           args=[institution.pk])
    assert institution.charter_includes_party_building is False
    assert institution.staff_count is None
    assert institution.closed_on is None
    assert institution.region.name == "赫山区"


def test_going_back_from_the_confirmation_keeps_what_was_typed(client, alice, new_institution):
    client.force_login(alice)
    response = client.post(CREATE_URL, {**new_institution, "back": "1"})
    assert not is_confirmation_page(response)
    assert 'value="赫山区星火科技培训学校"' in page_text(response)
    assert not Institution.objects.filter(name="赫山区星火科技培训学校").exists()


def test_a_wrong_check_character_is_refused_with_a_chinese_message(client, alice,
                                                                  new_institution):
    client.force_login(alice)
    code = new_institution["credit_code"]
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    response = confirm(client, CREATE_URL, {**new_institution, "credit_code": wrong})
    assert response.status_code == 200
    assert "校验" in form_error_text(response)
    assert not Institution.objects.filter(name="赫山区星火科技培训学校").exists()


def test_a_credit_code_already_registered_is_refused(client, alice, institution_a,
                                                    new_institution):
    client.force_login(alice)
    response = confirm(client, CREATE_URL,
                       {**new_institution, "credit_code": institution_a.credit_code})
    assert "统一社会信用代码" in form_error_text(response)
    assert Institution.objects.count() == 1


def test_staff_cannot_register_an_institution_in_another_county(client, alice, county_b,
                                                               new_institution):
    client.force_login(alice)
    response = confirm(client, CREATE_URL, {**new_institution, "region": county_b.pk})
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not Institution.objects.filter(name="赫山区星火科技培训学校").exists()


def _edit_data(institution, **changes):
    data = {
        "name": institution.name, "credit_code": institution.credit_code,
        "permit_no": institution.permit_no, "category": institution.category,
        "licence": institution.licence, "region": institution.region_id,
        "address": institution.address, "founder": institution.founder,
        "opened_on": institution.opened_on.isoformat(), "closed_on": "", "suspended_on": "",
        "charter_includes_party_building": "on", "staff_count": str(institution.staff_count),
    }
    return {**data, **changes}


def test_the_edit_preview_lists_each_change_from_old_to_new(client, alice, institution_a):
    client.force_login(alice)
    url = reverse("organisation:institution_update", args=[institution_a.pk])
    response = preview(client, url, _edit_data(institution_a, staff_count="25",
                                               closed_on="2024-06-30"))
    assert is_confirmation_page(response)
    text = page_text(response)
    assert "从业人员数：12 → 25" in text
    assert "停办日期：（空） → 2024-06-30" in text
    institution_a.refresh_from_db()
    assert institution_a.staff_count == 12
    assert institution_a.closed_on is None


def test_confirming_an_edit_saves_it_and_records_who(client, alice, institution_a):
    client.force_login(alice)
    url = reverse("organisation:institution_update", args=[institution_a.pk])
    response = confirm(client, url, _edit_data(institution_a, closed_on="2024-06-30"))
    assert response["Location"] == reverse("organisation:institution_detail",
                                           args=[institution_a.pk])
    institution_a.refresh_from_db()
    assert institution_a.closed_on == date(2024, 6, 30)
    assert institution_a.history.latest().history_user == alice


def test_closing_before_opening_is_refused_and_nothing_changes(client, alice, institution_a):
    client.force_login(alice)
    url = reverse("organisation:institution_update", args=[institution_a.pk])
    response = confirm(client, url, _edit_data(institution_a, closed_on="2019-12-31"))
    assert "停办日期不能早于开办日期" in form_error_text(response)
    institution_a.refresh_from_db()
    assert institution_a.closed_on is None


def test_an_institution_cannot_be_moved_to_another_county(client, alice, institution_a,
                                                          county_b):
    client.force_login(alice)
    url = reverse("organisation:institution_update", args=[institution_a.pk])
    confirm(client, url, _edit_data(institution_a, region=county_b.pk))
    institution_a.refresh_from_db()
    assert institution_a.region.name == "赫山区"


def test_the_outsider_cannot_open_a_county_a_institution_for_editing(client, eve,
                                                                     institution_a):
    client.force_login(eve)
    url = reverse("organisation:institution_update", args=[institution_a.pk])
    assert client.get(url).status_code == 404
    assert confirm(client, url, _edit_data(institution_a, name="改名")).status_code == 404
    institution_a.refresh_from_db()
    assert institution_a.name == "赫山区阳光艺术培训学校"


def test_the_city_administrator_may_edit_a_county_institution(client, dave, county_a):
    institution = InstitutionFactory(region=county_a, name="赫山区博雅书画培训学校")
    client.force_login(dave)
    url = reverse("organisation:institution_update", args=[institution.pk])
    confirm(client, url, _edit_data(institution, founder="周敏"))
    institution.refresh_from_db()
    assert institution.founder == "周敏"
