"""PIPL: phone numbers masked in lists, exports, the admin and PDFs; revealed on purpose
(a POST, audited) on the detail page; shown in full on the duty card only with consent."""

import pytest
from django.test import Client
from django.urls import reverse

from partybuild.audit.models import AuditEntry
from partybuild.core.masking import mask_id_number, mask_phone
from partybuild.reports import builders
from partybuild.reports.selectors import report_institutions
from tests.factories import AssignmentFactory, InstructorFactory

PHONE = "13800138000"


@pytest.mark.parametrize(("raw", "masked"), [
    ("13800138000", "138****8000"), ("0737-4221234", "073*****1234"), ("", ""), (None, ""),
    ("12345", "1****")])
def test_mask_phone_keeps_only_the_prefix_and_the_last_four(raw, masked):
    assert mask_phone(raw) == masked


def test_mask_id_number_keeps_the_region_prefix_and_the_last_four():
    assert mask_id_number("430903199001011234") == "430903********1234"


@pytest.fixture
def liu(county_a):
    return InstructorFactory(name="刘洋", number="ZD7001", phone=PHONE, region=county_a)


@pytest.mark.django_db
def test_the_list_and_its_export_show_the_masked_number(alice, liu):
    client = Client()
    client.force_login(alice)
    page = client.get(reverse("instructors:instructor_list")).content.decode()
    assert "138****8000" in page and PHONE not in page
    export = client.get(reverse("instructors:instructor_list"), {"_export": "csv"})
    text = export.content.decode("utf-8-sig")
    assert "138****8000" in text and PHONE not in text


@pytest.mark.django_db
def test_the_admin_list_shows_the_masked_number(dave, liu):
    client = Client()
    client.force_login(dave)
    page = client.get(reverse("admin:instructors_instructor_changelist")).content.decode()
    assert "138****8000" in page and PHONE not in page


@pytest.mark.django_db
def test_staff_reveal_the_full_number_with_a_post_that_is_audited(alice, carol, liu):
    client = Client()
    client.force_login(alice)
    detail = client.get(reverse("instructors:instructor_detail", args=[liu.pk])).content.decode()
    assert "138****8000" in detail and PHONE not in detail
    reveal = reverse("instructors:instructor_phone_reveal", args=[liu.pk])
    assert client.get(reveal).status_code == 405
    shown = client.post(reveal)
    assert shown.status_code == 200 and f'href="tel:{PHONE}"' in shown.content.decode()
    entry = AuditEntry.objects.get(event=AuditEntry.Event.PERSONAL_REVEAL)
    assert entry.username == "alice" and entry.object_id == str(liu.pk)

    client.force_login(carol)
    assert client.post(reveal).status_code == 403
    assert AuditEntry.objects.filter(event=AuditEntry.Event.PERSONAL_REVEAL).count() == 1


@pytest.mark.django_db
def test_the_duty_card_publishes_the_number_only_with_consent(alice, liu, institution_a):
    AssignmentFactory(instructor=liu, institution=institution_a)

    def card_phone():
        cards = builders.duty_cards(
            institutions=report_institutions(user=alice, region=institution_a.region)
            .filter(pk=institution_a.pk), day=institution_a.opened_on.today())
        return cards[0].instructors[0].phone

    assert card_phone() == "138****8000"
    liu.phone_publish_consent = True
    liu.save()
    assert card_phone() == PHONE
