"""factory_boy factory for red-list point entries (new rows only: the ledger is append-only)."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from partybuild.points.models import PointEntry

from .factories import InstitutionFactory


class PointEntryFactory(DjangoModelFactory):
    class Meta:
        model = PointEntry

    institution = factory.SubFactory(InstitutionFactory)
    date = date(2025, 5, 20)
    points = Decimal("2.0")
    reason = factory.Sequence(lambda n: f"开展党建公益活动受到表彰（第{n}次）")
    corrects = None
    created_by = None
