"""A read-only request reads the figures stamp's tokens once, however many kept values its
page names by them (issue 16: one query per kept value before); a request that may write
reads them each time it asks."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partybuild.organisation.figures_stamp import (
    STAMP_TABLE,
    current_token,
    current_tokens,
    tokens_read_once,
)
from partybuild.organisation.middleware import TokensReadOncePerRead
from tests.factories import InstitutionFactory


def stamp_reads(captured) -> int:
    return sum(STAMP_TABLE in query["sql"] for query in captured)


@pytest.mark.django_db
def test_tokens_are_read_once_inside_and_every_time_outside(county_a):
    with CaptureQueriesContext(connection) as outside:
        first = current_tokens()
        assert current_tokens() == first
        assert current_token() == dict(first)[1]
    assert stamp_reads(outside) == 3
    with CaptureQueriesContext(connection) as inside, tokens_read_once():
        assert current_tokens() == first
        assert current_token() == dict(first)[1]
        assert current_tokens() == first
    assert stamp_reads(inside) == 1
    # Each request starts afresh: a write between two of them is seen by the second.
    InstitutionFactory(region=county_a)
    with tokens_read_once():
        renewed = current_tokens()
    assert renewed != first and current_tokens() == renewed


@pytest.mark.django_db
@pytest.mark.parametrize("method, reads", [("get", 1), ("head", 1), ("post", 3)])
def test_only_get_and_head_requests_read_them_once(method, reads, county_a):
    def page(request):
        current_tokens()
        current_token()
        return current_tokens()

    request = getattr(RequestFactory(), method)("/")
    with CaptureQueriesContext(connection) as captured:
        TokensReadOncePerRead(page)(request)
    assert stamp_reads(captured) == reads
    # Nothing is left behind for the next request of the thread.
    with CaptureQueriesContext(connection) as after:
        current_tokens()
        current_tokens()
    assert stamp_reads(after) == 2


@pytest.mark.django_db
def test_the_completeness_grid_and_the_lists_read_the_stamp_once(client, alice, county_a):
    InstitutionFactory(region=county_a)
    client.force_login(alice)
    for url in (reverse("visits:completeness"), reverse("organisation:institution_list"),
                reverse("home")):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        assert stamp_reads(captured) == 1, url
