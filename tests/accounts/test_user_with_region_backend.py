"""The signed-in user is read with their home region: the scoping of every page reads the
region's path, which cost each page a second query (issue 16)."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse

from partybuild.accounts.backends import UserWithRegionBackend

BACKEND = "partybuild.accounts.backends.UserWithRegionBackend"


@pytest.mark.django_db
def test_a_pages_user_comes_with_their_region(client, alice, django_assert_num_queries):
    client.force_login(alice)
    assert client.session[BACKEND_SESSION_KEY] == BACKEND
    response = client.get(reverse("organisation:institution_list"))
    assert response.status_code == 200
    user = response.wsgi_request.user
    with django_assert_num_queries(0):
        assert user.region.path == alice.region.path


@pytest.mark.django_db
def test_signing_in_with_a_password_still_works_and_inactive_users_are_not_read(
        client, alice):
    alice.set_password("a-long-pass-phrase-2026")
    alice.save()
    response = client.post(reverse("login"), {"username": "alice",
                                              "password": "a-long-pass-phrase-2026"})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == BACKEND
    assert UserWithRegionBackend().get_user(alice.pk).region == alice.region
    alice.is_active = False
    alice.save()
    assert UserWithRegionBackend().get_user(alice.pk) is None
    assert UserWithRegionBackend().get_user(999_999) is None
    assert client.get(reverse("organisation:institution_list")).status_code == 302
