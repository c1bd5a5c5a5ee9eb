"""core.history.timeline: one merged, readable change history per detail page."""

from datetime import date

from django.db.models import Q

from partybuild.core.history import HistorySource, timeline
from partybuild.core.services import save_with_history
from partybuild.organisation.models import Branch, Coverage
from partybuild.organisation.services import branch_update, coverage_add, coverage_end
from tests.factories import BranchFactory, InstitutionFactory


def test_choices_references_and_dates_are_shown_as_people_read_them(alice, committee_a,
                                                                    county_a):
    branch = BranchFactory(name="赫山区育才联合党支部", committee=committee_a)
    institution = InstitutionFactory(name="赫山区育才培训学校", region=county_a)
    coverage = coverage_add(acting_user=alice, branch=branch, institution=institution,
                            start=date(2024, 1, 1))
    coverage_end(acting_user=alice, coverage=coverage, on=date(2024, 6, 30))
    branch_update(acting_user=alice, branch=branch, name=branch.name,
                  kind=Branch.Kind.STANDALONE, committee=committee_a)

    entries = timeline(
        HistorySource(Branch, Q(id=branch.pk)),
        HistorySource(Coverage, Q(branch_id=branch.pk), describe=("institution",)),
    )
    assert [(e.action, e.subject) for e in entries] == [
        ("修改", "党支部"), ("修改", "支部覆盖"), ("新增", "支部覆盖"), ("新增", "党支部")]
    kind_change = entries[0].changes
    assert [(c.label, c.old, c.new) for c in kind_change] == [("类型", "联合党支部", "单独党支部")]
    added = {c.label: c.new for c in entries[2].changes}
    assert added["支部"] == "赫山区育才联合党支部"
    assert added["机构"] == "赫山区育才培训学校"
    assert added["开始日期"] == "2024-01-01"
    assert entries[1].target == "赫山区育才培训学校"
    assert [(c.label, c.old, c.new) for c in entries[1].changes] == [
        ("结束日期", "—", "2024-06-30")]


def test_saving_without_a_change_adds_no_entry_and_deleting_adds_one(alice, committee_a):
    branch = BranchFactory(committee=committee_a)
    save_with_history(branch, alice)
    history_count = branch.history.count()
    branch_pk = branch.pk
    branch._history_user = alice
    branch.delete()
    entries = timeline(HistorySource(Branch, Q(id=branch_pk)))
    assert history_count == 2
    assert [(e.action, e.user) for e in entries] == [("删除", "张丽"), ("新增", "系统")]
    assert entries[0].changes == []


def test_queries_do_not_grow_with_the_number_of_records(alice, committee_a, county_a,
                                                        django_assert_max_num_queries):
    branch = BranchFactory(committee=committee_a, kind=Branch.Kind.JOINT)
    for _ in range(30):
        coverage_add(acting_user=alice, branch=branch,
                     institution=InstitutionFactory(region=county_a), start=date(2024, 1, 1))
    sources = (HistorySource(Branch, Q(id=branch.pk)),
               HistorySource(Coverage, Q(branch_id=branch.pk), describe=("institution",)))
    # Two history tables, then one query each for the referenced branches, institutions,
    # committees and users.
    with django_assert_max_num_queries(5):
        entries = timeline(*sources)
    assert len(entries) == 31 and all(e.user in ("张丽", "系统") for e in entries)
