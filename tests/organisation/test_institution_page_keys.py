"""The institution list narrowed to a region and sorted by name reads its page region by
region on PostgreSQL (issue 16: the plain query walked every institution of the city in name
order); the page holds the same rows in the same order as the plain query on both databases."""

from datetime import date

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse

from partybuild.organisation.models import Institution
from partybuild.organisation.selectors import (
    institution_list,
    institution_page_keys_by_region,
)
from tests.factories import InstitutionFactory, RegionFactory

ON_POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def crowded_city(county_a, county_b):
    """赫山区 with two towns, its names sorting after 资阳区's many; ties of names across
    regions; one closed institution and one not yet open."""
    towns = [RegionFactory(code=f"43090300{n}", name=f"镇{n}", level="town", parent=county_a)
             for n in (1, 2)]
    rows = [InstitutionFactory.build(region=county_b, name=f"资阳区培训学校{n:03d}")
            for n in range(60)]
    for n in range(45):
        region = (county_a, *towns)[n % 3]
        rows.append(InstitutionFactory.build(region=region, name=f"赫山区培训学校{n % 20:03d}"))
    rows.append(InstitutionFactory.build(region=towns[0], name="赫山区已停办学校",
                                         closed_on=date(2021, 1, 1)))
    rows.append(InstitutionFactory.build(region=towns[1], name="赫山区明年学校",
                                         opened_on=date(2099, 1, 1)))
    Institution.objects.bulk_create(rows)
    return towns


def listed_names(client, **query) -> list[str]:
    response = client.get(reverse("organisation:institution_list"), query)
    assert response.status_code == 200
    return [row.record.name for row in response.context["table"].page.object_list]


def plain_names(alice, region, descending=False, status=None) -> list[str]:
    rows = institution_list(user=alice).filter(region__path__startswith=region.path)
    if status == "open":
        rows = rows.filter(operating_today=True)
    order = ("-name_key", "-pk") if descending else ("name_key", "pk")
    return list(rows.order_by(*order).values_list("name", flat=True))


@pytest.mark.django_db
def test_a_region_page_sorted_by_name_equals_the_plain_query(client, alice, county_a,
                                                            crowded_city, settings):
    settings.LIST_PAGE_SIZE = 10
    client.force_login(alice)
    for region in (county_a, crowded_city[0]):
        for sort, descending in (("", False), ("name", False), ("-name", True)):
            for status in (None, "open"):
                expected = plain_names(alice, region, descending, status)
                assert expected
                pages = [expected[n:n + 10] for n in range(0, len(expected), 10)]
                for number, page in enumerate(pages, start=1):
                    query = {"region": region.pk, "page": number}
                    if sort:
                        query["sort"] = sort
                    if status:
                        query["status"] = status
                    assert listed_names(client, **query) == page, (region, sort, number)


@pytest.mark.django_db
def test_the_region_by_region_read_is_used_on_postgresql_only(alice, county_a, crowded_city):
    request = RequestFactory().get("/")
    request.user = alice
    listed = institution_list(user=alice).filter(region__path__startswith=county_a.path)
    for order in (("name_key", "pk"), ("-name_key", "-pk")):
        for low, high in ((0, 10), (10, 20), (40, 50)):
            sliced = listed.order_by(*order)[low:high]
            keys = institution_page_keys_by_region(sliced, county_a)
            if ON_POSTGRESQL:
                assert keys == list(sliced.values_list("pk", flat=True)), (order, low)
            else:
                assert keys is None
    # Another order, or no page limit: the plain query reads them.
    assert institution_page_keys_by_region(listed.order_by("credit_code")[:10], county_a) is None
    assert institution_page_keys_by_region(listed.order_by("name_key", "pk"), county_a) is None
