"""Fixtures of the activity tests: uploads go to a temporary folder, and a small county.

County A (赫山区, alice's) as built by `county`:

  J   joint branch founded 2024-01-01, active; covers I1 from 2024-01-01,
      I2 from 2025-03-10 (the "join day"), I3 from 2024-01-01 to 2025-06-30.
  S   standalone branch founded 2024-01-01, covers I4.
  D   joint branch founded 2024-01-01, dissolved 2025-04-30; covers I5 until then.
  SB  a school branch paired with J from 2025-03-01 to 2025-08-31.
bob (instructor) is assigned to I1 only.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from partybuild.organisation.models import Branch
from tests.factories import (
    AssignmentFactory,
    BranchFactory,
    CoverageFactory,
    InstitutionFactory,
    PairingFactory,
    SchoolBranchFactory,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class County:
    institutions: dict
    branches: dict
    school_branch: object
    pairing: object


def build_county(region, committee) -> County:
    name = region.name
    inst = {key: InstitutionFactory(name=f"{name}{label}培训学校", region=region)
            for key, label in (("I1", "明德"), ("I2", "星光"), ("I3", "书香"),
                               ("I4", "飞跃"), ("I5", "启航"))}
    joint = BranchFactory(name=f"{name}第一联合党支部", committee=committee,
                          founded_on=date(2024, 1, 1))
    standalone = BranchFactory(name=f"{name}飞跃党支部", kind=Branch.Kind.STANDALONE,
                               committee=committee, founded_on=date(2024, 1, 1))
    dissolved = BranchFactory(name=f"{name}第二联合党支部", committee=committee,
                              founded_on=date(2024, 1, 1), dissolved_on=date(2025, 4, 30))
    CoverageFactory(branch=joint, institution=inst["I1"], start=date(2024, 1, 1))
    CoverageFactory(branch=joint, institution=inst["I2"], start=date(2025, 3, 10))
    CoverageFactory(branch=joint, institution=inst["I3"], start=date(2024, 1, 1),
                    end=date(2025, 6, 30))
    CoverageFactory(branch=standalone, institution=inst["I4"], start=date(2024, 1, 1))
    CoverageFactory(branch=dissolved, institution=inst["I5"], start=date(2024, 1, 1),
                    end=date(2025, 4, 30))
    school_branch = SchoolBranchFactory(name="第一党支部", school=f"{name}第一中学")
    pairing = PairingFactory(branch=joint, school_branch=school_branch,
                             start=date(2025, 3, 1), end=date(2025, 8, 31))
    return County(inst, {"J": joint, "S": standalone, "D": dissolved}, school_branch, pairing)


@pytest.fixture
def county(county_a, committee_a, bob):
    built = build_county(county_a, committee_a)
    AssignmentFactory(instructor=bob.instructor, institution=built.institutions["I1"],
                      start=date(2024, 1, 1))
    return built


@pytest.fixture
def other_county(county_b, committee_b):
    return build_county(county_b, committee_b)
