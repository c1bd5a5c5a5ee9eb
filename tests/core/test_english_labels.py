"""English reads right: 等级 is "Grade" for a score and "Severity" for a hazard, grades are
translated where shown (not where FORMATS.md fixes them), names with numbers use ASCII
brackets, and the admin index names every app in English."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from partybuild.scoring.filters import ScoreFilter
from partybuild.scoring.models import Score, grade_label
from partybuild.scoring.tables import ScoreTable
from partybuild.visits.filters import HazardFilter
from partybuild.visits.models import Hazard

from ..factories import InstructorFactory, MemberFactory


@pytest.fixture(autouse=True)
def restore_language():
    before = translation.get_language()
    yield
    translation.activate(before)


def test_grade_and_severity_are_separate_words_in_english():
    with translation.override("en"):
        assert str(Score._meta.get_field("grade").verbose_name) == "Grade"
        assert str(Hazard._meta.get_field("severity").verbose_name) == "Severity"
        assert str(ScoreTable.base_columns["grade"].verbose_name) == "Grade"
    with translation.override("zh-hans"):
        assert str(Score._meta.get_field("grade").verbose_name) == "等级"
        assert str(Hazard._meta.get_field("severity").verbose_name) == "等级"


def test_filters_label_grade_and_severity_apart():
    with translation.override("en"):
        assert str(ScoreFilter.base_filters["grade"].label) == "Grade"
        assert str(HazardFilter.base_filters["severity"].label) == "Severity"


def test_grades_are_translated_for_the_reader_and_stay_chinese_in_chinese():
    with translation.override("en"):
        assert [grade_label(g) for g in ("优秀", "良好", "合格", "不合格")] \
            == ["Excellent", "Good", "Pass", "Fail"]
        assert "Excellent" in ScoreTable([]).render_grade("优秀")
        assert grade_label("") == ""
    with translation.override("zh-hans"):
        assert grade_label("良好") == "良好"


@pytest.mark.django_db
def test_names_with_numbers_use_ascii_brackets_in_english():
    member = MemberFactory(name="刘洋", number="DY000123")
    instructor = InstructorFactory(name="周敏", number="ZDY00042")
    with translation.override("en"):
        assert str(member) == "刘洋 (DY000123)"
        assert str(instructor) == "周敏 (ZDY00042)"
    with translation.override("zh-hans"):
        assert str(member) == "刘洋（DY000123）"


@pytest.mark.django_db
def test_the_admin_index_names_every_app_in_english(client, dave):
    client.force_login(dave)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("admin:index")).content.decode()
    for label in ("Users and permissions", "Organisation structure"):
        assert label in page
    for chinese in ("用户与权限", "组织架构", "党建指导员"):
        assert chinese not in page
