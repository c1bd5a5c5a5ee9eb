"""A refused change explains itself in the user's language.

The services' messages are Chinese first; a user who chose English reads them in English,
with the record's own names and ISO dates left as they are. Chinese stays what it was: the
import files' messages and the command-line contract read them in Chinese.
"""

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from partybuild.organisation import services as organisation
from partybuild.visits import services as visits
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstructorFactory,
    MemberFactory,
    MembershipFactory,
)

HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def refusal(call, language: str) -> str:
    with translation.override(language), pytest.raises(ValidationError) as refused:
        call()
    return " ".join(refused.value.messages)


def without(text: str, *names: str) -> str:
    for name in names:
        text = text.replace(name, "")
    return text


@pytest.fixture
def covered(committee_a, institution_a):
    first = BranchFactory(name="赫山区第一联合党支部", committee=committee_a)
    second = BranchFactory(name="赫山区第二联合党支部", committee=committee_a)
    CoverageFactory(branch=first, institution=institution_a, start=date(2022, 1, 1))
    return first, second


def test_a_coverage_clash_is_explained_in_english_with_the_names_and_dates(
        alice, institution_a, covered):
    _first, second = covered

    def cover():
        organisation.coverage_add(acting_user=alice, branch=second, institution=institution_a,
                                  start=date(2023, 3, 1))

    english = refusal(cover, "en")
    assert english == (
        'The institution "赫山区阳光艺术培训学校" is covered by "赫山区第一联合党支部" in '
        "2022-01-01 to date, and only one branch may cover it on any day. End that coverage first.")
    chinese = refusal(cover, "zh-hans")
    assert chinese == ("机构“赫山区阳光艺术培训学校”在 2022-01-01 至今 "
                       "已由“赫山区第一联合党支部”覆盖，同一天只能由一个支部覆盖。请先结束原覆盖。")


def test_member_and_branch_refusals_read_as_english_sentences(alice, committee_a):
    branch = BranchFactory(name="赫山区第三联合党支部", committee=committee_a)
    member = MemberFactory(name="周敏")
    other = BranchFactory(committee=committee_a, name="赫山区第四联合党支部")
    MembershipFactory(member=member, branch=branch, start=date(2022, 5, 1))
    messages = [
        refusal(lambda: organisation.member_transfer(
            acting_user=alice, member=member, to_branch=branch, on=date(2023, 1, 1)), "en"),
        refusal(lambda: organisation.secretary_set(
            acting_user=alice, branch=other, member=member, on=date(2023, 1, 1)), "en"),
        refusal(lambda: organisation.branch_merge(
            acting_user=alice, source=branch, target=branch, on=date(2023, 1, 1)), "en"),
        refusal(lambda: organisation.branch_dissolve(
            acting_user=alice, branch=branch, on=date(2020, 1, 1)), "en"),
    ]
    assert messages == [
        'The member 周敏 already belongs to "赫山区第三联合党支部" on 2023-01-01.',
        '周敏 is not a member of "赫山区第四联合党支部" on 2023-01-01 and cannot be its secretary.',
        "A branch cannot be merged into itself.",
        "The dissolution date 2020-01-01 cannot be before the founding date 2021-01-01.",
    ]


def test_a_visit_refusal_names_the_rule_broken_in_english(alice, institution_a, county_a):
    instructor = InstructorFactory(name="孙丽", region=county_a)
    AssignmentFactory(instructor=instructor, institution=institution_a, start=date(2024, 1, 1),
                      end=date(2024, 6, 30))
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = refusal(lambda: visits.visit_record(
        acting_user=alice, institution=institution_a, instructor=instructor, date=tomorrow),
        "en")
    assert future.startswith(f"Visit date {tomorrow.isoformat()} is after today (")
    unassigned = refusal(lambda: visits.visit_record(
        acting_user=alice, institution=institution_a, instructor=instructor,
        date=date(2024, 9, 2)), "en")
    assert unassigned == (
        'Instructor 孙丽 is not assigned to the institution "赫山区阳光艺术培训学校" on '
        "2024-09-02, so this cannot be recorded; their assignments ran 2024-01-01 to 2024-06-30.")
    for message in (future, unassigned):
        assert not HAN.search(without(message, "孙丽", "赫山区阳光艺术培训学校")), message


def test_the_coverage_form_in_english_shows_the_refusal_in_english(
        client: Client, alice, institution_a, covered):
    _first, second = covered
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("organisation:coverage_add", args=[second.pk]), {
        "institution": institution_a.pk, "start": "2023-03-01", "end": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "only one branch may cover it on any day" in page
    assert "同一天只能由一个支部覆盖" not in page
    assert second.coverages.count() == 0
