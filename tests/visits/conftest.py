"""Fixtures of the visit tests: a pinned "today", a throw-away media folder, instructors.

Dates are pinned to 2026-11-22 (the demo's today) so that "in the future", "this month" and
"due within 7 days" mean the same on any day the suite runs. Use them through
`pytestmark = pytest.mark.usefixtures("frozen_today", "media_root")`.
"""

from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from partybuild.accounts.models import User
from tests.factories import AssignmentFactory, InstitutionFactory, InstructorFactory, UserFactory

TODAY = date(2026, 11, 22)


@pytest.fixture
def frozen_today(monkeypatch):
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def bob_at_a(bob, institution_a):
    """Bob has been assigned to institution A since 2022."""
    return AssignmentFactory(instructor=bob.instructor, institution=institution_a,
                             start=date(2022, 1, 1))


@pytest.fixture
def institution_a2(county_a):
    return InstitutionFactory(name="赫山区博雅培训学校", region=county_a)


@pytest.fixture
def frank(county_a):
    """A second instructor of county A: bob must never see or touch his visits."""
    user = UserFactory(username="frank", display_name="周峰", role=User.Role.INSTRUCTOR,
                       region=county_a)
    InstructorFactory(name="周峰", user=user, region=county_a)
    return user


@pytest.fixture
def frank_at_a2(frank, institution_a2):
    return AssignmentFactory(instructor=frank.instructor, institution=institution_a2,
                             start=date(2022, 1, 1))
