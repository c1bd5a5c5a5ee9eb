"""Shared fixtures: a small city with two counties and named users for every role.

alice  – committee staff of 赫山区 (county A)
bob    – instructor assigned in 赫山区
carol  – annual reviewer of 赫山区
dave   – administrator of the whole city
eve    – committee staff of 资阳区 (county B): the outsider for county A's records
"""

import pytest

from partybuild.accounts.models import User

from .factories import (
    CommitteeFactory,
    InstitutionFactory,
    InstructorFactory,
    RegionFactory,
    UserFactory,
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, also when only module-scoped worlds ask for it.

    pytest-django creates the test databases that a `db` fixture or a django_db marker of
    the collected tests asks for. The authorisation matrix shares one world per module
    through django_db_setup instead (a TestCase per test would double its cost), so run
    alone it would have written to the real database named in the settings.
    """
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    name = str(connection.settings_dict["NAME"])
    if name.startswith("test_") or "memorydb" in name:
        yield
        return
    with django_db_blocker.unblock():
        created = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(created, verbosity=0)


@pytest.fixture
def city(db):
    return RegionFactory(code="430900", name="益阳市", level="city", parent=None)


@pytest.fixture
def county_a(city):
    return RegionFactory(code="430903", name="赫山区", level="district", parent=city)


@pytest.fixture
def county_b(city):
    return RegionFactory(code="430902", name="资阳区", level="district", parent=city)


@pytest.fixture
def committee_a(county_a):
    return CommitteeFactory(name="赫山区民办教育党委", region=county_a)


@pytest.fixture
def committee_b(county_b):
    return CommitteeFactory(name="资阳区民办教育党委", region=county_b)


@pytest.fixture
def alice(county_a):
    return UserFactory(username="alice", display_name="张丽", role=User.Role.STAFF,
                       region=county_a)


@pytest.fixture
def bob(county_a):
    user = UserFactory(username="bob", display_name="李波", role=User.Role.INSTRUCTOR,
                       region=county_a)
    InstructorFactory(name="李波", user=user, region=county_a)
    return user


@pytest.fixture
def carol(county_a):
    return UserFactory(username="carol", display_name="陈静", role=User.Role.REVIEWER,
                       region=county_a)


@pytest.fixture
def dave(city):
    return UserFactory(username="dave", display_name="王强", role=User.Role.ADMIN, region=city,
                       is_staff=True)


@pytest.fixture
def eve(county_b):
    return UserFactory(username="eve", display_name="赵燕", role=User.Role.STAFF,
                       region=county_b)


@pytest.fixture
def institution_a(county_a):
    return InstitutionFactory(name="赫山区阳光艺术培训学校", region=county_a)


@pytest.fixture
def institution_b(county_b):
    return InstitutionFactory(name="资阳区启明体育培训中心", region=county_b)
