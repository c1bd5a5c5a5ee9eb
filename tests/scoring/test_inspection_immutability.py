"""A finalised inspection cannot change: not on the pages, not in the admin, not in the
database; only an administrator's reopen, with a reason, opens it again."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from partybuild.scoring.models import Inspection
from partybuild.scoring.services import (
    inspection_adjust_party_building,
    inspection_enter_section,
    inspection_finalise,
    inspection_get_or_create,
    inspection_reopen,
    scores_recompute,
)

from .conftest import YEAR

SECTIONS = ("conditions", "teaching", "finance", "safety")


@pytest.fixture
def finalised(scored_a, alice, carol):
    scores_recompute(acting_user=alice, year=YEAR)
    inspection = inspection_get_or_create(acting_user=carol, institution=scored_a.institution,
                                          year=YEAR)
    for section, score in zip(SECTIONS, (90, 85, 80, 95), strict=True):
        inspection = inspection_enter_section(acting_user=carol, inspection=inspection,
                                              section=section, score=Decimal(score),
                                              comment="检查情况良好")
    return inspection_finalise(acting_user=carol, inspection=inspection)


def stored(inspection) -> tuple:
    return Inspection.objects.filter(pk=inspection.pk).values_list(
        "conditions", "safety_comment", "party_building_adjusted", "finalised_at").get()


def test_the_services_refuse_to_change_a_finalised_inspection(finalised, carol):
    before = stored(finalised)
    with pytest.raises(ValidationError):
        inspection_enter_section(acting_user=carol, inspection=finalised, section="safety",
                                 score=Decimal(10), comment="改过的说明")
    with pytest.raises(ValidationError):
        inspection_adjust_party_building(acting_user=carol, inspection=finalised,
                                         adjusted=Decimal(99), reason="改分")
    assert stored(finalised) == before


def test_the_database_itself_refuses_a_raw_update_of_a_finalised_inspection(finalised):
    before = stored(finalised)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE scoring_inspection SET conditions = 10 WHERE id = %s",
                       [finalised.pk])
    assert stored(finalised) == before


def test_an_open_inspection_can_still_be_written_in_raw_sql(finalised, dave):
    inspection = inspection_reopen(acting_user=dave, inspection=finalised,
                                   reason="办学条件分数录入错误，需更正")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE scoring_inspection SET conditions = 70 WHERE id = %s",
                       [inspection.pk])
    assert stored(inspection)[0] == Decimal("70.00")


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite's flush empties tables with DELETE, so only PostgreSQL "
                           "refuses raw deletes")
def test_postgresql_refuses_a_raw_delete_of_a_finalised_inspection(finalised):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM scoring_inspection WHERE id = %s", [finalised.pk])
    assert Inspection.objects.filter(pk=finalised.pk).exists()


@pytest.fixture
def superuser_client(client, django_user_model, city):
    root = django_user_model.objects.create_superuser("root", "root@example.gov.cn",
                                                      "a-long-root-passphrase", region=city)
    client.force_login(root)
    return client


def test_not_even_a_superuser_changes_or_deletes_an_inspection_in_the_admin(
        superuser_client, finalised):
    before = stored(finalised)
    change = reverse("admin:scoring_inspection_change", args=[finalised.pk])
    page = superuser_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert superuser_client.post(change, {"conditions": "10"}).status_code == 403
    delete = reverse("admin:scoring_inspection_delete", args=[finalised.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    assert stored(finalised) == before


def test_the_admin_history_of_an_inspection_offers_no_revert(superuser_client, finalised):
    history = Inspection.history.filter(id=finalised.pk).order_by("history_id").first()
    url = reverse("admin:scoring_inspection_simple_history",
                  args=[finalised.pk, history.history_id])
    before = stored(finalised)
    superuser_client.post(url, {"conditions": ""})
    assert stored(finalised) == before
