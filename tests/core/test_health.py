import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_health_check_answers_ok_to_anyone_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.django_db
def test_health_check_refuses_a_post(client):
    assert client.post(reverse("health")).status_code == 405
