"""The phone's outbox: visits sent with a client id are stored once, whatever the retries;
hazards and their photos come with the visit; an outbox creates visits only for the
instructor's own assignments. Also the offline app's manifest and service worker."""

import json
import uuid
from datetime import date, timedelta

import pytest
from django.urls import reverse

from partybuild.visits import services
from partybuild.visits.models import Hazard, HazardEvidence, Visit, VisitEvidence
from partybuild.visits.selectors import my_month
from tests.action_helpers import flashed, page_text
from tests.factories import AssignmentFactory, InstitutionFactory
from tests.factories_visits import JPEG_BYTES, PNG_BYTES, VisitFactory, upload

from .conftest import TODAY
from .db_state import database_state

pytestmark = pytest.mark.usefixtures("frozen_today", "media_root")

SYNC = reverse("visits:visit_sync")
CREATE = reverse("visits:visit_create")
CLIENT_ID = "0b6f5f0e-3c1e-4c55-9a3c-6a1d5b2f7e10"


def outbox_body(institution, **overrides) -> dict:
    """What the phone's outbox posts: a visit with a hazard and a photo for each."""
    return {
        "institution": institution.pk, "date": TODAY.isoformat(), "client_id": CLIENT_ID,
        "lesson": "on", "lesson_topic": "学习贯彻党的二十大精神",
        "hazard_check": "on", "hazard_check_text": "消防通道、灭火器",
        "attendees": "12", "notes": "全体教职工参加。",
        "hazards-count": "1", "hazards-0-description": "安全出口被杂物堵塞",
        "hazards-0-category": "fire", "hazards-0-severity": "general",
        "evidence": upload("党课照片.jpg", JPEG_BYTES),
        "hazards-0-photo": upload("安全出口.png", PNG_BYTES, "image/png"),
        **overrides,
    }


def test_an_outbox_visit_is_stored_with_its_hazard_and_photos_and_a_repeat_answers_the_same(
        client, bob, bob_at_a, institution_a, settings):
    settings.PARTYBUILD_HAZARD_DEADLINE_DAYS = 30
    client.force_login(bob)
    first = client.post(SYNC, outbox_body(institution_a))
    assert first.status_code == 200, first.content.decode()
    answer = first.json()
    visit = Visit.objects.get()
    assert answer["ok"] and answer["created"]
    assert answer["url"] == reverse("visits:visit_detail", args=[visit.pk])
    assert str(visit.client_id) == CLIENT_ID
    assert (visit.instructor, visit.recorded_by, visit.date) == (bob.instructor, bob, TODAY)
    [hazard] = Hazard.objects.all()
    assert (hazard.visit, hazard.found_on, hazard.description) == (
        visit, TODAY, "安全出口被杂物堵塞")
    # No deadline typed: the configured 30 days from the day it was found.
    assert hazard.deadline == TODAY + timedelta(days=30)
    assert [e.original_name for e in VisitEvidence.objects.all()] == ["党课照片.jpg"]
    assert [e.original_name for e in HazardEvidence.objects.filter(hazard=hazard)] == [
        "安全出口.png"]

    # The network dropped the answer; the phone sends the very same visit again.
    before = database_state()
    again = client.post(SYNC, outbox_body(institution_a))
    assert again.status_code == 200
    assert again.json() == {**answer, "created": False}
    assert database_state() == before


def test_the_deadline_of_an_inline_hazard_defaults_to_the_configured_days(
        client, bob, bob_at_a, institution_a, settings):
    settings.PARTYBUILD_HAZARD_DEADLINE_DAYS = 10
    client.force_login(bob)
    client.post(SYNC, outbox_body(institution_a))
    assert Hazard.objects.get().deadline == TODAY + timedelta(days=10)


def test_a_typed_deadline_is_kept(client, bob, bob_at_a, institution_a):
    client.force_login(bob)
    client.post(SYNC, outbox_body(institution_a, **{"hazards-0-deadline": "2026-12-01"}))
    assert Hazard.objects.get().deadline == date(2026, 12, 1)


def test_the_page_waiting_for_the_answer_gets_the_saved_message_on_the_next_page(
        client, bob, bob_at_a, institution_a):
    client.force_login(bob)
    # A background send leaves no message behind for a later page.
    response = client.post(SYNC, outbox_body(institution_a, client_id=str(uuid.uuid4()),
                                             date="2026-11-21"))
    assert response.json()["ok"] and flashed(response) == []
    response = client.post(SYNC, outbox_body(institution_a, flash="1"))
    assert flashed(response) == [f"已保存 2026-11-22 对“{institution_a.name}”的走访记录。"]


def test_a_client_id_of_another_instructors_visit_is_refused(
        client, bob, bob_at_a, frank, frank_at_a2, institution_a, institution_a2):
    client.force_login(frank)
    assert client.post(SYNC, outbox_body(institution_a2)).json()["ok"]
    client.force_login(bob)
    before = database_state()
    response = client.post(SYNC, outbox_body(institution_a))
    assert response.status_code == 400
    assert "该客户端编号已被其他用户的走访记录使用" in response.json()["message"]
    assert database_state() == before


def test_an_outbox_records_only_for_the_instructors_own_assignment_on_the_day(
        client, bob, bob_at_a, institution_a2):
    client.force_login(bob)
    before = database_state()
    response = client.post(SYNC, outbox_body(institution_a2))
    assert response.status_code == 400
    answer = response.json()
    assert not answer["ok"]
    assert "请修改" not in answer["message"] and "选择一个有效的选项" in answer["message"]
    assert database_state() == before


def test_an_assignment_that_ended_before_the_day_is_refused_with_its_dates(
        client, bob, institution_a2):
    AssignmentFactory(instructor=bob.instructor, institution=institution_a2,
                      start=date(2022, 1, 1), end=date(2026, 10, 31))
    client.force_login(bob)
    before = database_state()
    response = client.post(SYNC, outbox_body(institution_a2))
    assert response.status_code == 400
    assert "没有派驻到机构" in response.json()["message"]
    assert "2022-01-01" in response.json()["message"]
    assert database_state() == before


def test_another_countys_institution_is_refused_and_writes_nothing(
        client, bob, bob_at_a, alice, institution_b):
    for user in (bob, alice):
        client.force_login(user)
        before = database_state()
        response = client.post(SYNC, outbox_body(institution_b))
        assert response.status_code == 400
        assert "institution" in response.json()["errors"]
        assert database_state() == before


def test_a_visit_queued_by_another_user_of_the_phone_waits_for_them(
        client, bob, bob_at_a, institution_a, alice):
    client.force_login(bob)
    before = database_state()
    response = client.post(SYNC, outbox_body(institution_a, user=str(alice.pk)))
    assert response.status_code == 409
    assert response.json()["wrong_user"]
    assert database_state() == before
    assert client.post(SYNC, outbox_body(institution_a, user=str(bob.pk))).json()["ok"]


def test_a_second_visit_the_same_day_links_to_the_one_already_stored(
        client, bob, bob_at_a, institution_a):
    client.force_login(bob)
    client.post(SYNC, outbox_body(institution_a))
    stored = Visit.objects.get()
    response = client.post(SYNC, outbox_body(institution_a, client_id=str(uuid.uuid4())))
    assert response.status_code == 400
    assert response.json()["existing_url"] == reverse("visits:visit_detail", args=[stored.pk])
    assert Visit.objects.count() == 1
    # The page form links to it as well.
    page = client.post(CREATE, {**outbox_body(institution_a), "client_id": ""})
    assert f'href="{reverse("visits:visit_detail", args=[stored.pk])}"' in page_text(page)
    assert "打开已有的走访记录" in page_text(page)


def test_a_hazard_row_without_a_description_is_sent_back_with_the_row_named(
        client, bob, bob_at_a, institution_a):
    client.force_login(bob)
    before = database_state()
    response = client.post(SYNC, outbox_body(institution_a, **{
        "hazards-0-description": "", "hazards-0-severity": "major"}))
    assert response.status_code == 400
    assert response.json()["errors"]["hazards-0-description"] == ["请描述发现的隐患。"]
    assert database_state() == before


def test_hazard_rows_count_only_when_the_hazard_check_is_ticked(
        client, bob, bob_at_a, institution_a):
    client.force_login(bob)
    body = outbox_body(institution_a)
    del body["hazard_check"]
    assert client.post(SYNC, body).json()["ok"]
    assert Hazard.objects.count() == 0


def test_a_hazard_the_service_refuses_takes_the_visit_back_with_it(
        client, bob, bob_at_a, institution_a):
    client.force_login(bob)
    before = database_state()
    response = client.post(SYNC, outbox_body(institution_a, **{
        "hazards-0-deadline": "2026-11-01"}))
    assert response.status_code == 400
    assert "第 1 条隐患：整改期限 2026-11-01 不能早于发现日期 2026-11-22。" in (
        response.json()["message"])
    assert database_state() == before


def test_the_page_form_records_inline_hazards_without_javascript(
        client, bob, bob_at_a, institution_a):
    client.force_login(bob)
    body = {**outbox_body(institution_a), "client_id": "", "hazards-count": "2",
            "hazards-1-description": "灭火器过期", "hazards-1-category": "fire",
            "hazards-1-severity": "major"}
    response = client.post(CREATE, body)
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "visits:visit_detail", args=[visit.pk])
    assert sorted(visit.hazards.values_list("description", flat=True)) == [
        "安全出口被杂物堵塞", "灭火器过期"]
    assert visit.client_id is None


def test_the_outbox_takes_only_posts_and_reviewers_are_refused(
        client, bob, bob_at_a, carol, institution_a):
    client.force_login(bob)
    assert client.get(SYNC).status_code == 405
    client.force_login(carol)
    assert client.post(SYNC, outbox_body(institution_a)).status_code == 403
    client.logout()
    response = client.post(SYNC, outbox_body(institution_a))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert Visit.objects.count() == 0


def test_record_once_answers_the_stored_visit_for_a_repeated_id(bob, bob_at_a, institution_a):
    client_id = uuid.uuid4()
    fields = {"acting_user": bob, "client_id": client_id, "institution": institution_a,
              "date": TODAY, "ledger": True, "ledger_text": "党员名册"}
    visit, created = services.visit_record_once(**fields)
    again, created_again = services.visit_record_once(**fields)
    assert (created, created_again, again.pk) == (True, False, visit.pk)
    assert Visit.objects.count() == 1


# The form's helpers -----------------------------------------------------------------------


def test_the_form_offers_the_texts_of_the_instructors_own_last_visit(
        client, bob, bob_at_a, frank, institution_a):
    AssignmentFactory(instructor=frank.instructor, institution=institution_a,
                      start=date(2022, 1, 1))
    services.visit_record(acting_user=bob, institution=institution_a, date=date(2026, 10, 3),
                          lesson=True, lesson_topic="旧的党课", ledger=True, ledger_text="旧台账")
    services.visit_record(acting_user=bob, institution=institution_a, date=date(2026, 11, 3),
                          lesson=True, lesson_topic="学习党章", policy=True,
                          policy_text="双减政策")
    services.visit_record(acting_user=frank, institution=institution_a, date=date(2026, 11, 9),
                          lesson=True, lesson_topic="周峰讲的党课")
    client.force_login(bob)
    response = client.get(CREATE, {"institution": institution_a.pk})
    assert response.context["last_texts"] == {institution_a.pk: {
        "date": "2026-11-03", "lesson": True, "lesson_topic": "学习党章", "policy": True,
        "policy_text": "双减政策", "hazard_check": False, "hazard_check_text": "",
        "ledger": False, "ledger_text": ""}}
    html = page_text(response)
    assert 'id="last-visit-texts"' in html and "沿用上次内容" in html
    assert "周峰讲的党课" not in html


def test_the_hazard_form_proposes_the_configured_deadline(client, bob, bob_at_a, settings):
    settings.PARTYBUILD_HAZARD_DEADLINE_DAYS = 14
    client.force_login(bob)
    response = client.get(reverse("visits:hazard_create"))
    assert response.context["form"].initial["deadline"] == TODAY + timedelta(days=14)


# The offline app ------------------------------------------------------------------------------


def test_the_service_worker_is_served_from_the_root_uncached_with_local_workbox(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    script = page_text(response)
    assert "/static/vendor/workbox/workbox-sw.js" in script
    assert "/static/vendor/workbox/workbox-strategies.prod.js" in script
    assert "googleapis" not in script and "https://" not in script


def test_the_manifest_names_the_app_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["start_url"] == "/" and data["display"] == "standalone"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}


def test_signed_in_pages_link_the_manifest_and_the_outbox_script(client, bob, bob_at_a):
    assert 'rel="manifest"' not in page_text(client.get(reverse("login")))
    client.force_login(bob)
    html = page_text(client.get(reverse("home")))
    assert 'rel="manifest"' in html and "js/pwa.js" in html and "data-outbox" in html


def test_the_hazard_form_takes_photos_of_the_hazard(client, bob, bob_at_a, institution_a):
    client.force_login(bob)
    response = client.post(reverse("visits:hazard_create"), {
        "institution": institution_a.pk, "found_on": TODAY.isoformat(), "category": "fire",
        "severity": "general", "description": "灭火器过期",
        "deadline": (TODAY + timedelta(days=30)).isoformat(),
        "photos": [upload("灭火器.jpg", JPEG_BYTES)]})
    hazard = Hazard.objects.get()
    assert response.status_code == 302
    assert [e.original_name for e in hazard.evidence.all()] == ["灭火器.jpg"]


def test_a_repeat_is_answered_with_the_stored_visit_even_after_the_assignment_ended(
        client, bob, bob_at_a, institution_a):
    client.force_login(bob)
    first = client.post(SYNC, outbox_body(institution_a)).json()
    bob_at_a.end = TODAY - timedelta(days=1)
    bob_at_a.save()
    again = client.post(SYNC, outbox_body(institution_a))
    assert again.status_code == 200 and again.json() == {**first, "created": False}
    assert Visit.objects.count() == 1


def test_my_month_puts_what_is_still_to_do_first(bob, bob_at_a, institution_a, county_a):
    names = {"done": "阿尔法培训学校", "half": "贝塔培训学校", "none": "伽马培训学校"}
    institutions = {key: InstitutionFactory(name=name, region=county_a)
                    for key, name in names.items()}
    for institution in institutions.values():
        AssignmentFactory(instructor=bob.instructor, institution=institution,
                          start=date(2022, 1, 1))
    VisitFactory(instructor=bob.instructor, institution=institutions["done"], date=TODAY,
                 lesson=True, policy=True, hazard_check=True, ledger=True)
    VisitFactory(instructor=bob.instructor, institution=institutions["half"], date=TODAY,
                 lesson=True, policy=True)
    VisitFactory(instructor=bob.instructor, institution=institution_a, date=TODAY,
                 lesson=True)
    order = [row.institution.name for row in my_month(user=bob).rows]
    # Alphabetically 阿尔法 would come first; the month's work puts it last.
    assert order == [names["none"], institution_a.name, names["half"], names["done"]]
