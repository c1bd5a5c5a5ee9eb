"""A constructed county for the read-page tests, with every case the figures must handle.

County A (赫山区), seen by alice, as of any day from 2024 on:

institutions   I1 I2 (joint branch J1, instructor 周敏), I3 (standalone S1, instructor 吴刚),
               I4 suspended, uncovered, no instructor; I5 closed in 2023;
               I6 once covered by the dissolved branch D1, now uncovered (instructor 吴刚);
               I8 covered by standalone S2, no instructor.
branches       J1 joint (secretary, 2 full + 1 probationary, one member transferred out),
               S1 standalone (3 full, secretary), S2 standalone (2 full + 1 probationary,
               no secretary), D1 joint dissolved on 2023-06-30.
pairings       J1↔SB1, J1↔SB2, S1↔SB1 holding; D1↔SB3 ended.
instructors    周敏 (I1, I2), 吴刚 (I3, I6), 郑洁 (only an ended assignment at I5).

So on a day in 2024: institutions 6, covered 4, without instructor 2, party members 9,
joint 1, standalone 2, secretaries 2, instructors 2, paired branches 2, school branches 2.
"""

from dataclasses import dataclass
from datetime import date

from partybuild.organisation.models import Branch, Institution, Member

from .factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    InstructorFactory,
    MemberFactory,
    MembershipFactory,
    PairingFactory,
    SchoolBranchFactory,
)

EXPECTED_FIGURES = {
    "institutions": 6,
    "party_members": 9,
    "joint_branches": 1,
    "standalone_branches": 2,
    "secretaries": 2,
    "instructors": 2,
    "covered_institutions": 4,
    "institutions_without_instructor": 2,
    "paired_branches": 2,
    "paired_school_branches": 2,
}

FULL, PROBATIONARY = Member.Status.FULL, Member.Status.PROBATIONARY


@dataclass
class County:
    institutions: dict
    branches: dict
    members: dict
    instructors: dict
    school_branches: dict


def build_county(region, committee) -> County:
    """The county described in the module docstring, in `region` under `committee`."""
    name = region.name

    def institution(label, **kwargs):
        return InstitutionFactory(name=f"{name}{label}培训学校", region=region, **kwargs)

    inst = {
        "I1": institution("明德", category=Institution.Category.ACADEMIC),
        "I2": institution("星光艺术", category=Institution.Category.ARTS),
        "I3": institution("飞跃体育", category=Institution.Category.SPORTS,
                          licence=Institution.Licence.LICENSED_UNPERMITTED),
        "I4": institution("创客科技", category=Institution.Category.SCIENCE,
                          suspended_on=date(2024, 1, 10)),
        "I5": institution("已停办", closed_on=date(2023, 8, 31)),
        "I6": institution("书香", opened_on=date(2019, 5, 1)),
        "I8": institution("启航", opened_on=date(2022, 2, 1)),
    }
    branch = {
        "J1": BranchFactory(name=f"{name}第一联合党支部", kind=Branch.Kind.JOINT,
                            committee=committee, founded_on=date(2021, 3, 1)),
        "S1": BranchFactory(name=f"{name}飞跃体育党支部", kind=Branch.Kind.STANDALONE,
                            committee=committee, founded_on=date(2021, 3, 1)),
        "S2": BranchFactory(name=f"{name}启航党支部", kind=Branch.Kind.STANDALONE,
                            committee=committee, founded_on=date(2022, 2, 1)),
        "D1": BranchFactory(name=f"{name}第二联合党支部", kind=Branch.Kind.JOINT,
                            committee=committee, founded_on=date(2021, 3, 1),
                            dissolved_on=date(2023, 6, 30)),
    }
    CoverageFactory(branch=branch["J1"], institution=inst["I1"], start=date(2021, 3, 1))
    CoverageFactory(branch=branch["J1"], institution=inst["I2"], start=date(2021, 3, 1))
    CoverageFactory(branch=branch["J1"], institution=inst["I5"], start=date(2021, 3, 1),
                    end=date(2023, 8, 31))
    CoverageFactory(branch=branch["S1"], institution=inst["I3"], start=date(2021, 3, 1))
    CoverageFactory(branch=branch["S2"], institution=inst["I8"], start=date(2022, 2, 1))
    CoverageFactory(branch=branch["D1"], institution=inst["I6"], start=date(2021, 3, 1),
                    end=date(2023, 6, 30))

    def member(label, status, in_branch, employer, start=date(2021, 3, 1), end=None,
               secretary=False):
        person = MemberFactory(name=f"{name}{label}", status=status)
        MembershipFactory(member=person, branch=branch[in_branch], employer=inst[employer],
                          start=start, end=end, is_secretary=secretary)
        return person

    members = {
        "m1": member("刘洋", FULL, "J1", "I1", secretary=True),
        "m2": member("陈芳", FULL, "J1", "I2"),
        "m3": member("杨帆", PROBATIONARY, "J1", "I2"),
        "m4": member("黄磊", FULL, "J1", "I1", end=date(2022, 12, 31)),
        "m5": member("赵敏", FULL, "S1", "I3", secretary=True),
        "m6": member("孙丽", FULL, "S1", "I3"),
        "m7": member("马超", FULL, "S1", "I3"),
        "m8": member("胡静", FULL, "D1", "I6", end=date(2023, 6, 30), secretary=True),
        "m9": member("郭亮", FULL, "S2", "I8", start=date(2022, 2, 1)),
        "m10": member("林霞", FULL, "S2", "I8", start=date(2022, 2, 1)),
        "m11": member("何军", PROBATIONARY, "S2", "I8", start=date(2022, 2, 1)),
    }

    school = {key: SchoolBranchFactory(name=f"第{n}党支部", school=f"{name}第{n}中学")
              for n, key in enumerate(("SB1", "SB2", "SB3"), start=1)}
    PairingFactory(branch=branch["J1"], school_branch=school["SB1"], start=date(2022, 3, 1))
    PairingFactory(branch=branch["J1"], school_branch=school["SB2"], start=date(2022, 3, 1))
    PairingFactory(branch=branch["S1"], school_branch=school["SB1"], start=date(2022, 3, 1))
    PairingFactory(branch=branch["D1"], school_branch=school["SB3"], start=date(2022, 3, 1),
                   end=date(2023, 6, 30))

    instructors = {
        "X1": InstructorFactory(name=f"{name}周敏", region=region),
        "X2": InstructorFactory(name=f"{name}吴刚", region=region),
        "X3": InstructorFactory(name=f"{name}郑洁", region=region),
    }
    AssignmentFactory(instructor=instructors["X1"], institution=inst["I1"])
    AssignmentFactory(instructor=instructors["X1"], institution=inst["I2"])
    AssignmentFactory(instructor=instructors["X2"], institution=inst["I3"])
    AssignmentFactory(instructor=instructors["X2"], institution=inst["I6"])
    AssignmentFactory(instructor=instructors["X3"], institution=inst["I5"],
                      end=date(2023, 8, 31))
    return County(inst, branch, members, instructors, school)
