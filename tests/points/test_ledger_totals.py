"""The ledger's totals (issue 12): a correction offsets the entry it corrects, so the
reversal of a deduction is no addition, and 加分合计 + 扣分合计 is the net."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from partybuild.points.services import point_entry_add, point_entry_correct
from tests.factories import InstitutionFactory

D = Decimal


def test_correcting_a_deduction_lowers_the_deductions_and_adds_nothing(client, county_a,
                                                                        alice):
    institution = InstitutionFactory(region=county_a, opened_on=date(2019, 1, 1))
    add = {"acting_user": alice, "institution": institution}
    point_entry_add(**add, date=date(2025, 3, 1), points=D("4"), reason="承办观摩活动")
    wrong = point_entry_add(**add, date=date(2025, 4, 1), points=D("-2"),
                            reason="台账不全")
    point_entry_add(**add, date=date(2025, 5, 1), points=D("-1.5"), reason="未按时报送")
    point_entry_correct(acting_user=alice, entry=wrong, reason="台账已补齐，误扣")
    client.force_login(alice)
    response = client.get(reverse("points:ledger", args=[institution.pk]), {"year": 2025})
    ledger = response.context["ledger"]
    assert (ledger.added, ledger.deducted, ledger.net) == (D("4"), D("-1.5"), D("2.5"))
    content = response.content.decode()
    assert "+4.0" in content and "-1.5" in content
