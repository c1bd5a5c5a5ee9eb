"""Two reviewers finalising one inspection at the same moment, on real connections."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from partybuild.scoring.models import Inspection
from partybuild.scoring.services import inspection_finalise
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="SQLite serialises writers; the race needs PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_finalisers_exactly_one_succeeds(county_a, carol, dave):
    institution = InstitutionFactory(region=county_a, opened_on=date(2020, 1, 1))
    inspection = Inspection.objects.create(
        institution=institution, year=2025, party_building_computed=Decimal("80"),
        conditions=Decimal("80"), teaching=Decimal("80"), finance=Decimal("80"),
        safety=Decimal("80"))
    start = threading.Barrier(2)
    outcomes = []

    def finalise(user):
        stale = Inspection.objects.get(pk=inspection.pk)
        start.wait()
        try:
            inspection_finalise(acting_user=user, inspection=stale)
            outcomes.append(("ok", user.username))
        except ValidationError as error:
            outcomes.append(("refused", str(error)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=finalise, args=(user,)) for user in (carol, dave)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kind for kind, _detail in outcomes) == ["ok", "refused"]
    refused = next(detail for kind, detail in outcomes if kind == "refused")
    assert "已由" in refused and "定稿" in refused
    inspection.refresh_from_db()
    winner = next(detail for kind, detail in outcomes if kind == "ok")
    assert inspection.finalised_by.username == winner
    assert inspection.history.filter(finalised_at__isnull=False).count() == 1
