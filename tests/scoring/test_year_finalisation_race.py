"""Two administrators finalising one year at the same moment, on real connections and
through the real page: one finalisation, the other told it is already final, no 500."""

import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from partybuild.scoring.models import RedListPublication, Rubric, YearEvent
from tests.factories import UserFactory
from tests.scoring import test_commands

YEAR = test_commands.YEAR
small_city = test_commands.small_city  # the fixture


def test_sqlite_writers_queue_instead_of_failing():
    """Production SQLite (a file, WAL) takes the write lock at BEGIN and waits for it: the
    second finaliser queues behind the first and is then refused, never a "database is
    locked" 500. (The suite's in-memory SQLite shares one cache, whose table locks ignore the
    timeout, so the race itself runs on PostgreSQL below.)"""
    import partybuild.settings as production

    if production.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the settings were loaded for PostgreSQL")
    options = production.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 20
    assert settings.DATABASES["default"]["OPTIONS"].get("transaction_mode") in (None,
                                                                              "IMMEDIATE")


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="the in-memory SQLite of the suite cannot hold two writers at once")
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_finalisations_one_wins_and_none_is_a_server_error(small_city,
                                                                            city):
    admins = [UserFactory(username=f"admin{n}", role="admin", region=city) for n in (1, 2)]
    url = reverse("scoring:year_finalise", args=[YEAR])
    start = threading.Barrier(2, timeout=30)
    statuses, failures = [], []
    clients = {}
    for user in admins:
        clients[user.pk] = Client(raise_request_exception=False)
        clients[user.pk].force_login(user)

    def finalise(user):
        client = clients[user.pk]
        start.wait()
        try:
            response = client.post(url, {"confirm": "1"})
            statuses.append((response.status_code, response.content.decode()))
        except Exception as error:  # noqa: BLE001 - a crash must fail the test, not the thread
            failures.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=finalise, args=(user,)) for user in admins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert failures == []
    codes = sorted(code for code, _content in statuses)
    # The winner is redirected to the year's page; the other sees the form again with the
    # service's message that the year is already final.
    assert codes == [200, 302]
    refused = next(content for code, content in statuses if code == 200)
    assert "已于" in refused and "定稿" in refused
    assert Rubric.objects.get(year=YEAR).is_finalised
    assert YearEvent.objects.filter(year=YEAR, kind="finalised").count() == 1
    assert RedListPublication.objects.filter(year=YEAR).count() == 1
