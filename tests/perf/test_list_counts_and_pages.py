"""The list pages' kept row counts and two-step page reads give what one query gives."""

import re
from datetime import date

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partybuild.core.table_rows import fetch_page_in_two_steps
from partybuild.organisation.models import Institution
from partybuild.organisation.selectors import institution_list, kept_count
from partybuild.organisation.tables import InstitutionTable
from partybuild.scoring.models import Score
from partybuild.scoring.selectors import score_list
from partybuild.scoring.services import scores_recompute
from partybuild.scoring.tables import ScoreTable
from partybuild.visits.models import Visit
from tests.factories import InstitutionFactory
from tests.perf.test_page_queries import YEAR, build_county


def test_kept_count_follows_every_write_and_skips_unwatched_tables(county_a, committee_a,
                                                                   alice):
    build_county(county_a, committee_a, 30)
    listed = institution_list(user=alice).filter(operating_today=True)
    assert kept_count(listed) == listed.count() == 30
    with CaptureQueriesContext(connection) as captured:
        assert kept_count(listed) == 30
    assert len(captured) == 1  # the stamp's token only
    # Writes that bypass the services still renew it.
    Institution.objects.bulk_create([InstitutionFactory.build(region=county_a,
                                                              opened_on=date(2020, 1, 1))])
    assert kept_count(listed) == 31
    Institution.objects.filter(pk=Institution.objects.latest("pk").pk).update(
        closed_on=date(2021, 1, 1))
    assert kept_count(listed) == 30
    # Scores are watched too; a query reading visits is counted every time.
    scores_recompute(acting_user=alice, year=YEAR)
    scores = score_list(user=alice, year=YEAR)
    assert kept_count(scores) == scores.count() == 30  # not the one closed in 2021
    Score.objects.filter(pk=scores.first().pk).delete()
    assert kept_count(scores) == 29
    visited = listed.filter(visits__date__year=YEAR).distinct()
    with CaptureQueriesContext(connection) as captured:
        assert kept_count(visited) == visited.count()
    assert "figuresstamp" not in " ".join(q["sql"] for q in captured)
    Visit.objects.all().delete()
    assert kept_count(visited) == 0
    assert kept_count(Institution.objects.none()) == 0


def test_two_step_pages_equal_one_query_pages(county_a, committee_a, alice):
    build_county(county_a, committee_a, 120)
    scores_recompute(acting_user=alice, year=YEAR)
    request = RequestFactory().get("/")
    request.user = alice
    for make, order in [
        (lambda: InstitutionTable(institution_list(user=alice), user=alice), "name"),
        (lambda: InstitutionTable(institution_list(user=alice), user=alice), "-category"),
        (lambda: ScoreTable(score_list(user=alice, year=YEAR), user=alice), "-total"),
        (lambda: ScoreTable(score_list(user=alice, year=YEAR), user=alice), "region"),
    ]:
        for page in (1, 2, 3):
            one, two = make(), make()
            for table in (one, two):
                table.order_by = order
                table.paginate(page=page, per_page=50)
            expected = [row.record.pk for row in one.page.object_list]
            fetch_page_in_two_steps(two)
            records = [row.record for row in two.page.object_list]
            assert [record.pk for record in records] == expected
            # With the annotations the page shows.
            assert all(hasattr(record, "covering_branch_name") or hasattr(
                record, "inspection_status") for record in records)


def test_a_list_pages_kept_count_follows_writes_the_users_scope_and_the_query(
        client, county_a, county_b, committee_a, committee_b, alice):
    """The page names its count by what the request asked for (ListPage.count_key) instead
    of compiling the COUNT's SQL on every view; the count still follows every write, the
    user's region and the filters."""
    build_county(county_a, committee_a, 12)
    build_county(county_b, committee_b, 5)
    client.force_login(alice)
    url = reverse("organisation:institution_list")

    def shown(**query) -> str:
        page = client.get(url, query).content.decode()
        return re.search(r"共 (\d+) 条", page).group(1)

    assert shown(status="open") == "12"
    assert shown(status="open", sort="-name", page="1") == "12"  # sort and page: same count
    Institution.objects.bulk_create([InstitutionFactory.build(region=county_a,
                                                              opened_on=date(2020, 1, 1))])
    assert shown(status="open") == "13"
    # Another scope for the same user: the count follows it.
    alice.region = county_b
    alice.save()
    assert shown(status="open") == "5"
    empty = client.get(url, {"status": "open", "q": "没有这个名称"}).content.decode()
    assert "共 " not in empty and "没有符合筛选条件的记录" in empty
    # A repeat view reads the kept count (the stamp's token), not a COUNT of institutions.
    client.get(url, {"status": "open"})
    with CaptureQueriesContext(connection) as captured:
        client.get(url, {"status": "open"})
    assert not any("COUNT(" in q["sql"].upper() and "organisation_institution" in q["sql"]
                   for q in captured)


def test_a_list_pages_kept_keys_follow_writes_and_are_not_read_again(
        client, county_a, committee_a, alice, settings):
    """A page's keys are kept under the figures tokens (ListPage.page_keys): a repeat view
    reads no keys, and any write to what the keys are read from shows at once."""
    settings.LIST_PAGE_SIZE = 10
    build_county(county_a, committee_a, 25)
    scores_recompute(acting_user=alice, year=YEAR)
    client.force_login(alice)
    url = reverse("organisation:institution_list")

    def names(**query) -> list[str]:
        response = client.get(url, {"status": "open", **query})
        return [row.record.name for row in response.context["table"].page.object_list]

    def plain() -> list[str]:
        return list(institution_list(user=alice).filter(operating_today=True)
                    .order_by("name_key", "pk").values_list("name", flat=True))

    # Every statement the connection runs (a wrapper sees them whatever the query log keeps).
    def statements(view) -> list[str]:
        ran = []

        def record(execute, sql, params, many, context):
            ran.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            view()
        return ran

    # The keys query reads the primary keys alone; the rows query reads the row's columns.
    keys_query = 'SELECT "organisation_institution"."id" AS "pk" FROM'
    assert any(sql.startswith(keys_query) for sql in statements(names))
    first_page = names()
    assert first_page == plain()[:10]
    assert names(page=2) == plain()[10:20]
    assert names(sort="-name") == plain()[::-1][:10]
    repeat = statements(lambda: names(page=2))
    assert not any(sql.startswith(keys_query) for sql in repeat)
    assert names(page=2) == plain()[10:20]
    # A rename that moves the first row to the end, a closed institution, a new one: each
    # shows on the next view.
    renamed = Institution.objects.get(name=first_page[0])
    renamed.name = "阳光培训学校改名"
    renamed.save()
    assert names() == plain()[:10] != first_page
    Institution.objects.filter(name=plain()[0]).update(closed_on=date(2021, 1, 1))
    assert names() == plain()[:10]
    InstitutionFactory(region=county_a, name="阳光培训学校新办", opened_on=date(2020, 1, 1))
    assert "阳光培训学校新办" in names(page=3) == plain()[20:30]
    # The score list keeps its page's keys too, and follows a deleted score.
    scores = reverse("scoring:score_list", args=[YEAR])
    top = client.get(scores).context["table"].page.object_list[0].record.pk
    Score.objects.filter(pk=top).delete()
    again = client.get(scores).context["table"].page.object_list
    assert top not in [row.record.pk for row in again]
