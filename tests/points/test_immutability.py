"""The ledger is append-only: no path in the services, the model, the queryset, the database,
the admin or the URLs changes or removes an entry once it is written."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from partybuild.accounts.models import User
from partybuild.points import services
from partybuild.points.models import PointEntry
from tests.factories import InstitutionFactory, UserFactory
from tests.factories_points import PointEntryFactory


@pytest.fixture
def entry(institution_a, alice):
    return PointEntryFactory(institution=institution_a, points=Decimal("3.0"),
                             reason="开展党建公益活动受到表彰", created_by=alice)


def stored(entry) -> tuple:
    return PointEntry.objects.filter(pk=entry.pk).values_list("points", "reason", "date").get()


def test_the_services_offer_no_way_to_update_or_delete_an_entry():
    writes = [name for name in dir(services) if name.startswith("point_entry_")]
    assert writes == ["point_entry_add", "point_entry_correct"]


def test_saving_an_existing_entry_again_is_refused(entry):
    before = stored(entry)
    entry.points = Decimal("9.0")
    with pytest.raises(ValidationError, match="只能新增"):
        entry.save()
    assert stored(entry) == before


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(ValidationError, match="不能删除"):
        entry.delete()
    assert PointEntry.objects.filter(pk=entry.pk).exists()


def test_bulk_update_and_delete_through_the_queryset_are_refused(entry):
    before = stored(entry)
    with pytest.raises(ValidationError):
        PointEntry.objects.filter(pk=entry.pk).update(points=Decimal("9.0"))
    with pytest.raises(ValidationError):
        PointEntry.objects.all().delete()
    with pytest.raises(ValidationError):
        entry.institution.point_entries.all().delete()
    entry.points = Decimal("9.0")
    with pytest.raises(ValidationError), transaction.atomic():
        PointEntry.objects.bulk_update([entry], ["points"])
    assert stored(entry) == before


def test_the_database_itself_refuses_a_raw_update(entry):
    before = stored(entry)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE points_pointentry SET points = 9 WHERE id = %s", [entry.pk])
    assert stored(entry) == before


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite's flush empties tables with DELETE, so only PostgreSQL "
                           "refuses raw deletes")
def test_postgresql_refuses_a_raw_delete(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM points_pointentry WHERE id = %s", [entry.pk])
    assert PointEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_the_user_who_added_an_entry_keeps_the_entry(entry, alice):
    User.objects.filter(pk=alice.pk).delete()
    kept = PointEntry.objects.get(pk=entry.pk)
    assert kept.created_by is None and kept.points == Decimal("3.0")


def test_no_url_of_the_points_app_edits_or_deletes_an_entry():
    from partybuild.points import urls

    assert {pattern.name for pattern in urls.urlpatterns} == {
        "ranking", "ledger", "entry_add", "entry_correct"}


# The admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, dave):
    client.force_login(dave)
    return client


def test_the_admin_shows_an_entry_read_only(admin_client, entry):
    response = admin_client.get(reverse("admin:points_pointentry_change", args=[entry.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "开展党建公益活动受到表彰" in text
    assert 'name="reason"' not in text and 'name="_save"' not in text


def test_posting_a_change_in_the_admin_is_refused(admin_client, entry, institution_a):
    before = stored(entry)
    response = admin_client.post(
        reverse("admin:points_pointentry_change", args=[entry.pk]),
        {"institution": institution_a.pk, "date": "2025-05-20", "points": "9.0",
         "reason": "改过的事由"},
    )
    assert response.status_code == 403
    assert stored(entry) == before


def test_deleting_in_the_admin_is_refused(admin_client, entry):
    url = reverse("admin:points_pointentry_delete", args=[entry.pk])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert PointEntry.objects.filter(pk=entry.pk).exists()


def test_the_admin_list_offers_no_bulk_delete(admin_client, entry):
    changelist = reverse("admin:points_pointentry_changelist")
    response = admin_client.get(changelist)
    assert response.status_code == 200
    assert "delete_selected" not in response.content.decode()
    response = admin_client.post(changelist, {"action": "delete_selected",
                                              "_selected_action": [entry.pk], "post": "yes"})
    assert PointEntry.objects.filter(pk=entry.pk).exists()


def test_a_superuser_cannot_change_or_delete_an_entry_either(client, entry, city):
    root = UserFactory(username="root", role=User.Role.ADMIN, is_staff=True,
                       is_superuser=True)
    client.force_login(root)
    assert client.post(reverse("admin:points_pointentry_delete", args=[entry.pk]),
                       {"post": "yes"}).status_code == 403
    assert PointEntry.objects.filter(pk=entry.pk).exists()


def test_adding_in_the_admin_goes_through_the_services_checks(admin_client, institution_a,
                                                            dave):
    url = reverse("admin:points_pointentry_add")
    response = admin_client.post(url, {"institution": institution_a.pk, "date": "2025-03-08",
                                       "points": "1.25", "reason": "开展党建公益活动受到表彰"})
    assert response.status_code == 200
    assert "最多保留一位小数" in response.content.decode()
    response = admin_client.post(url, {"institution": institution_a.pk, "date": "2025-03-08",
                                       "points": "0", "reason": "开展党建公益活动受到表彰"})
    assert "分值不能为0" in response.content.decode()
    assert not PointEntry.objects.exists()

    response = admin_client.post(url, {"institution": institution_a.pk, "date": "2025-03-08",
                                       "points": "1.5", "reason": "开展党建公益活动受到表彰"})
    assert response.status_code == 302
    entry = PointEntry.objects.get()
    assert (entry.points, entry.created_by) == (Decimal("1.5"), dave)


def test_an_administrator_of_one_county_sees_only_its_entries_in_the_admin(client, county_a,
                                                                          institution_a,
                                                                          institution_b):
    frank = UserFactory(username="frank", role=User.Role.ADMIN, region=county_a, is_staff=True)
    PointEntryFactory(institution=institution_a, reason="赫山区的记录")
    other = PointEntryFactory(institution=institution_b, reason="资阳区的记录")
    client.force_login(frank)
    text = client.get(reverse("admin:points_pointentry_changelist")).content.decode()
    assert "赫山区的记录" in text and "资阳区的记录" not in text
    response = client.get(reverse("admin:points_pointentry_change", args=[other.pk]))
    assert response.status_code == 302  # the admin's "does not exist" redirect
    response = client.post(reverse("admin:points_pointentry_add"), {
        "institution": institution_b.pk, "date": "2025-03-08", "points": "1",
        "reason": "开展党建公益活动受到表彰"})
    assert response.status_code == 200
    assert "institution" in response.context["adminform"].form.errors
    assert PointEntry.objects.count() == 2


def test_the_admin_list_takes_a_constant_number_of_queries(admin_client, county_a,
                                                           django_assert_max_num_queries):
    for n in range(55):
        made = PointEntryFactory(institution=InstitutionFactory(region=county_a),
                                 reason=f"开展党建公益活动受到表彰（{n}）")
        if n % 10 == 0:
            PointEntryFactory(institution=made.institution, points=-made.points,
                              corrects=made, reason="分值录入错误")
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:points_pointentry_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 50
