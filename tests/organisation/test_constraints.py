"""The rules the models and the database keep by themselves, whatever code writes the rows."""

from contextlib import contextmanager
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from partybuild.core.credit_code import make_credit_code
from partybuild.instructors.models import Assignment
from partybuild.organisation.models import Branch, Coverage, Institution, Membership, Pairing
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    MemberFactory,
    MembershipFactory,
    PairingFactory,
)

from .db_state import database_state

D = date

only_on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="exclusion constraints exist only on PostgreSQL; on SQLite the services guard",
)


@contextmanager
def refused_by_database(constraint: str):
    """Expect the database itself to refuse the write, naming the constraint, and keep no trace."""
    before = database_state()
    with pytest.raises(IntegrityError) as info, transaction.atomic():
        yield
    assert constraint in str(info.value), str(info.value)
    assert database_state() == before


@pytest.fixture
def branch(committee_a):
    return BranchFactory(name="赫山区第一联合党支部", committee=committee_a,
                         founded_on=D(2021, 3, 1))


@pytest.fixture
def other_branch(committee_a):
    return BranchFactory(name="赫山区第二联合党支部", committee=committee_a,
                         founded_on=D(2021, 3, 1))


# Credit codes ------------------------------------------------------------------------------


def unsaved_institution(region, credit_code: str) -> Institution:
    return InstitutionFactory.build(name="赫山区星辰书法培训学校", region=region,
                                    credit_code=credit_code)


def test_a_valid_credit_code_passes_model_validation(county_a):
    unsaved_institution(county_a, make_credit_code(4242, "430903")).full_clean()


@pytest.mark.parametrize(("code", "phrase"), [
    ("52430903MJ0004240", "应为18位，当前为17位"),
    ("52430903MJ000042OX", "含有不允许的字符：O"),
    ("91350100M000100Y44", "校验位错误：第18位应为 3"),
])
def test_model_validation_rejects_a_credit_code_that_breaks_gb_32100(county_a, code, phrase):
    with pytest.raises(ValidationError) as info:
        unsaved_institution(county_a, code).full_clean()

    assert any(phrase in message for message in info.value.message_dict["credit_code"])


def test_the_database_refuses_a_credit_code_of_the_wrong_shape(county_a):
    with refused_by_database("institution_credit_code_shape"):
        Institution.objects.create(name="赫山区小写代码培训学校", region=county_a,
                                   credit_code="91350100m000100y43", category="arts",
                                   licence="licensed_permitted", opened_on=D(2022, 1, 1))


def test_the_database_refuses_a_second_institution_with_the_same_credit_code(institution_a):
    with refused_by_database("credit_code"):
        InstitutionFactory(name="另一家机构", region=institution_a.region,
                           credit_code=institution_a.credit_code)


# No period ends before it starts -------------------------------------------------------------


def test_model_validation_rejects_a_period_ending_before_it_starts(branch, institution_a):
    coverage = Coverage(branch=branch, institution=institution_a, start=D(2023, 4, 1),
                        end=D(2023, 3, 31))

    with pytest.raises(ValidationError) as info:
        coverage.full_clean()

    assert "结束日期不能早于开始日期" in " ".join(info.value.messages)


@pytest.mark.parametrize(("factory", "constraint"), [
    (CoverageFactory, "coverage_end_after_start"),
    (MembershipFactory, "membership_end_after_start"),
    (PairingFactory, "pairing_end_after_start"),
    (AssignmentFactory, "assignment_end_after_start"),
], ids=["coverage", "membership", "pairing", "assignment"])
def test_the_database_refuses_to_create_a_period_ending_before_it_starts(db, factory,
                                                                         constraint):
    with refused_by_database(constraint):
        factory(start=D(2023, 4, 1), end=D(2023, 3, 31))


@pytest.mark.parametrize(("factory", "model", "constraint"), [
    (CoverageFactory, Coverage, "coverage_end_after_start"),
    (MembershipFactory, Membership, "membership_end_after_start"),
    (PairingFactory, Pairing, "pairing_end_after_start"),
    (AssignmentFactory, Assignment, "assignment_end_after_start"),
], ids=["coverage", "membership", "pairing", "assignment"])
def test_the_database_refuses_to_move_a_periods_end_before_its_start(db, factory, model,
                                                                     constraint):
    period = factory(start=D(2023, 4, 1))

    with refused_by_database(constraint):
        model.objects.filter(pk=period.pk).update(end=D(2023, 3, 31))

    period.refresh_from_db()
    assert period.end is None


def test_a_period_of_a_single_day_is_allowed(branch, institution_a):
    coverage = Coverage.objects.create(branch=branch, institution=institution_a,
                                       start=D(2023, 4, 1), end=D(2023, 4, 1))

    assert coverage.holds_on(D(2023, 4, 1)) and not coverage.holds_on(D(2023, 4, 2))


def test_the_database_refuses_a_branch_dissolved_before_it_was_founded(branch):
    with refused_by_database("branch_dissolved_after_founded"):
        Branch.objects.filter(pk=branch.pk).update(dissolved_on=D(2021, 2, 28))


def test_the_database_refuses_an_institution_closed_before_it_opened(institution_a):
    with refused_by_database("institution_closed_after_opened"):
        Institution.objects.filter(pk=institution_a.pk).update(closed_on=D(2019, 12, 31))


def test_the_database_refuses_the_same_coverage_twice(branch, institution_a):
    CoverageFactory(branch=branch, institution=institution_a, start=D(2021, 3, 1))

    with refused_by_database("coverage"):
        Coverage.objects.create(branch=branch, institution=institution_a, start=D(2021, 3, 1))


# PostgreSQL exclusion constraints ------------------------------------------------------------


@only_on_postgresql
def test_postgresql_refuses_two_branches_covering_one_institution_on_the_same_day(
    branch, other_branch, institution_a,
):
    CoverageFactory(branch=branch, institution=institution_a, start=D(2021, 3, 1),
                    end=D(2023, 3, 31))

    with refused_by_database("coverage_one_branch_per_institution_per_day"):
        Coverage.objects.create(branch=other_branch, institution=institution_a,
                                start=D(2023, 1, 1))
    # Periods are inclusive: the old branch's last day cannot be the new one's first.
    with refused_by_database("coverage_one_branch_per_institution_per_day"):
        Coverage.objects.create(branch=other_branch, institution=institution_a,
                                start=D(2023, 3, 31))
    Coverage.objects.create(branch=other_branch, institution=institution_a,
                            start=D(2023, 4, 1))

    assert Coverage.objects.filter(institution=institution_a).count() == 2


@only_on_postgresql
def test_postgresql_refuses_to_stretch_a_coverage_over_the_next_one(branch, other_branch,
                                                                    institution_a):
    old = CoverageFactory(branch=branch, institution=institution_a, start=D(2021, 3, 1),
                          end=D(2023, 3, 31))
    CoverageFactory(branch=other_branch, institution=institution_a, start=D(2023, 4, 1))

    with refused_by_database("coverage_one_branch_per_institution_per_day"):
        Coverage.objects.filter(pk=old.pk).update(end=None)


@only_on_postgresql
def test_postgresql_lets_one_branch_cover_several_institutions_at_once(branch, institution_a,
                                                                       county_a):
    CoverageFactory(branch=branch, institution=institution_a, start=D(2021, 3, 1))
    Coverage.objects.create(branch=branch, start=D(2021, 3, 1),
                            institution=InstitutionFactory(region=county_a))

    assert branch.coverages.count() == 2


@only_on_postgresql
def test_postgresql_refuses_a_member_in_two_branches_on_the_same_day(branch, other_branch):
    member = MemberFactory(name="王芳")
    MembershipFactory(member=member, branch=branch, start=D(2021, 3, 1), end=D(2023, 8, 31))

    with refused_by_database("membership_one_branch_per_member_per_day"):
        Membership.objects.create(member=member, branch=other_branch, start=D(2023, 8, 31))
    with refused_by_database("membership_one_branch_per_member_per_day"):
        Membership.objects.create(member=member, branch=other_branch, start=D(2021, 1, 1),
                                  end=D(2021, 3, 1))
    Membership.objects.create(member=member, branch=other_branch, start=D(2023, 9, 1))

    assert member.memberships.count() == 2
