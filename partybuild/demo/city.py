"""The deterministic demo city: Yiyang (益阳市) as seed 003 describes its 2022 party building.

Seed 003 reports 530 institutions, 37 joint and 4 standalone branches, 152 members with
41 secretaries, 187 instructors covering all 530 institutions, and 26 branches paired with
28 school branches. `build_demo_city` reproduces exactly these figures as of today, and
scales the same shape up for load tests (`seed_demo --institutions 20000`).

It is a loader, not a user action: it writes the models directly with bulk inserts (each
record still gets a "created" history entry, dated on the record's own day) instead of
calling the services row by row, but it keeps every invariant the services enforce.
Each `build_*` function returns what it made so that later builders can extend the city.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from partybuild.core.credit_code import make_credit_code
from partybuild.instructors.models import Assignment, Instructor
from partybuild.organisation.models import (
    Branch,
    Committee,
    Coverage,
    Institution,
    Member,
    Membership,
    Pairing,
    SchoolBranch,
)
from partybuild.regions.models import Region

from .common import (
    BATCH_SIZE,
    BRANDS,
    BUREAU_TITLES,
    CATEGORY_WEIGHTS,
    CITY_CODE,
    CITY_NAME,
    DEFAULT_INSTITUTIONS,
    DISTRICTS,
    HISTORY_REASON,
    LICENCE_WEIGHTS,
    ROTATION_FIRST,
    ROTATION_LAST,
    SCHOOL_TITLES,
    SEED,
    STRUCTURE_YEAR,
    SUBJECTS,
    SUFFIXES,
    WORK_COMMITTEE_NAME,
    DemoShape,
    DistrictSpec,
    apportion,
    bulk_with_history,
    chinese_number,
    day_between,
    demo_shape,
    district_code,
    person_name,
    phone,
    weighted,
)


@dataclass
class DemoCity:
    """Everything the builder made, for later builders (visits, activities) to extend."""

    shape: DemoShape
    city: Region
    districts: list[Region]
    streets: list[Region]
    work_committee: Committee
    committees: dict[str, Committee]
    institutions: list[Institution]
    branches: list[Branch]
    coverages: list[Coverage]
    members: list[Member]
    memberships: list[Membership]
    instructors: list[Instructor]
    assignments: list[Assignment]
    school_branches: list[SchoolBranch] = field(default_factory=list)
    pairings: list[Pairing] = field(default_factory=list)


def build_regions() -> tuple[Region, list[Region], list[Region]]:
    """The city, its six districts/counties and a few streets/towns, with materialised paths."""
    start = date(STRUCTURE_YEAR, 1, 1)
    city = Region(code=CITY_CODE, name=CITY_NAME, parent=None, level=Region.Level.CITY,
                  path=f"/{CITY_CODE}/")
    [city] = bulk_with_history(Region, [city], lambda _: start)
    districts = [
        Region(code=spec.code, name=spec.name, parent=city, level=Region.Level.DISTRICT,
               path=f"{city.path}{spec.code}/")
        for spec in DISTRICTS
    ]
    districts = bulk_with_history(Region, districts, lambda _: start)
    streets = [
        Region(code=code, name=name, parent=district, level=Region.Level.STREET,
               path=f"{district.path}{code}/")
        for spec, district in zip(DISTRICTS, districts, strict=True)
        for code, name in spec.streets
    ]
    streets = bulk_with_history(Region, streets, lambda _: start)
    return city, districts, streets


def build_committees(city: Region,
                     districts: list[Region]) -> tuple[Committee, dict[str, Committee]]:
    """益阳市教育工委 and one 民办教育党委 per district under it, keyed by district code."""
    start = date(STRUCTURE_YEAR, 1, 1)
    [work_committee] = bulk_with_history(Committee, [Committee(
        name=WORK_COMMITTEE_NAME, level=Committee.Level.WORK_COMMITTEE, region=city,
    )], lambda _: start)
    committees = bulk_with_history(Committee, [
        Committee(name=f"{district.name}民办教育党委", level=Committee.Level.PRIVATE_EDUCATION,
                  region=district, parent=work_committee)
        for district in districts
    ], lambda _: start)
    return work_committee, {committee.region.code: committee for committee in committees}


def _institution_name(rng: random.Random, district: Region, category: str,
                      taken: set[str]) -> str:
    for _ in range(10):
        name = (f"{district.name}{rng.choice(BRANDS)}{rng.choice(SUBJECTS[category])}"
                f"{rng.choice(SUFFIXES)}")
        if name not in taken:
            return name
    campus = 2
    while f"{name}第{chinese_number(campus)}分校" in taken:
        campus += 1
    return f"{name}第{chinese_number(campus)}分校"


def build_institutions(rng: random.Random, shape: DemoShape, districts: list[Region],
                       streets: list[Region]) -> list[Institution]:
    """The training institutions, spread over the districts in seed 003's proportions."""
    counts = apportion(shape.institutions, [spec.share for spec in DISTRICTS])
    streets_of = defaultdict(list)
    for street in streets:
        streets_of[street.parent_id].append(street)
    serials = rng.sample(range(1, 10_000_000), shape.institutions)
    taken: set[str] = set()
    institutions = []
    for spec, district, count in zip(DISTRICTS, districts, counts, strict=True):
        for k in range(count):
            category = weighted(rng, CATEGORY_WEIGHTS)
            # A few large institutions, enough members for a standalone branch among them.
            large = rng.random() < 0.04
            licence = (Institution.Licence.LICENSED_PERMITTED if large
                       else weighted(rng, LICENCE_WEIGHTS))
            region = district
            if streets_of[district.pk] and rng.random() < 0.5:
                region = rng.choice(streets_of[district.pk])
            place = region.name if region is not district else ""
            name = _institution_name(rng, district, category, taken)
            taken.add(name)
            brand = rng.choice(BRANDS)
            founder = (f"益阳市{brand}教育咨询有限公司" if rng.random() < 0.25
                       else person_name(rng))
            permitted = licence == Institution.Licence.LICENSED_PERMITTED
            institutions.append(Institution(
                name=name,
                credit_code=make_credit_code(serials[len(institutions)], spec.code),
                permit_no=f"教民1{spec.code}7{k + 1:07d}号" if permitted else "",
                category=category,
                licence=licence,
                region=region,
                address=(f"{CITY_NAME}{district.name}{place}{rng.choice(spec.roads)}"
                         f"{rng.randint(1, 399)}号"),
                founder=founder,
                opened_on=(day_between(rng, date(2015, 1, 1), date(2020, 12, 31)) if large
                           else day_between(rng, date(2015, 1, 1), date(2022, 10, 31))),
                charter_includes_party_building=large or rng.random() < 0.88,
                staff_count=rng.randint(30, 80) if large else rng.randint(3, 25),
            ))
    return bulk_with_history(Institution, institutions, lambda i: i.opened_on)


def _by_district(institutions: list[Institution]) -> dict[str, list[Institution]]:
    grouped = defaultdict(list)
    for institution in institutions:
        grouped[district_code(institution.region)].append(institution)
    return grouped


def _standalone_counts(total: int, institutions: list[int], branches: list[int]) -> list[int]:
    """Standalone branches per district by the D'Hondt rule, leaving each a joint branch."""
    counts = [0] * len(institutions)
    for _ in range(total):
        room = [i for i in range(len(counts)) if counts[i] < branches[i] - 1]
        best = max(room, key=lambda i: (institutions[i] / (counts[i] + 1), -i))
        counts[best] += 1
    return counts


def build_branches(rng: random.Random, shape: DemoShape, committees: dict[str, Committee],
                   institutions: list[Institution]) -> tuple[list[Branch], list[Coverage]]:
    """Standalone branches for the largest institutions, joint branches covering all the rest."""
    grouped = _by_district(institutions)
    sizes = [len(grouped[spec.code]) for spec in DISTRICTS]
    branch_counts = apportion(shape.branches, sizes, minimum=1)
    standalone_counts = _standalone_counts(shape.standalone, sizes, branch_counts)
    branches, covered = [], []
    for spec, branch_count, standalone_count in zip(DISTRICTS, branch_counts, standalone_counts,
                                                    strict=True):
        committee = committees[spec.code]
        pool = grouped[spec.code]
        largest = sorted(pool, key=lambda i: (-i.staff_count, i.credit_code))[:standalone_count]
        for institution in largest:
            founded = max(day_between(rng, date(2022, 3, 1), date(2022, 6, 30)),
                          institution.opened_on)
            branches.append(Branch(name=f"{institution.name}党支部",
                                   kind=Branch.Kind.STANDALONE, committee=committee,
                                   founded_on=founded))
            covered.append([institution])
        # Joint branches group neighbouring institutions: same street, then same category.
        rest = sorted(set(pool) - set(largest),
                      key=lambda i: (i.region.code, i.category, i.credit_code))
        joint_count = branch_count - standalone_count
        # Pooled branches differ in size, as they grew from wherever members worked.
        weights = [rng.randint(2, 6) for _ in range(joint_count)]
        start = 0
        for number, size in enumerate(apportion(len(rest), weights, minimum=2), 1):
            branches.append(Branch(
                name=f"{spec.name}校外培训机构第{chinese_number(number)}联合党支部",
                kind=Branch.Kind.JOINT, committee=committee,
                founded_on=day_between(rng, date(2022, 3, 1), date(2022, 6, 30)),
            ))
            covered.append(rest[start:start + size])
            start += size
    branches = bulk_with_history(Branch, branches, lambda b: b.founded_on)
    coverages = [
        Coverage(branch=branch, institution=institution,
                 start=max(branch.founded_on, institution.opened_on))
        for branch, group in zip(branches, covered, strict=True)
        for institution in group
    ]
    return branches, bulk_with_history(Coverage, coverages, lambda c: c.start)


def _branch_sizes(rng: random.Random, shape: DemoShape, branches: list[Branch],
                  covered: dict[int, list[Institution]]) -> list[int]:
    """Members per branch: three each, a few more in standalone branches, the rest pooled."""
    sizes = [3] * len(branches)
    extra = shape.members - 3 * len(branches)
    for i, branch in enumerate(branches):
        if branch.kind == Branch.Kind.STANDALONE:
            bonus = min(rng.randint(1, 3), extra)
            sizes[i] += bonus
            extra -= bonus
    joint = [i for i, b in enumerate(branches) if b.kind == Branch.Kind.JOINT]
    weights = [len(covered[branches[i].pk]) for i in joint]
    for i in rng.choices(joint, weights, k=extra):
        sizes[i] += 1
    return sizes


def build_members(rng: random.Random, shape: DemoShape, branches: list[Branch],
                  coverages: list[Coverage]) -> tuple[list[Member], list[Membership]]:
    """Members of each branch, employed by an institution it covers; the first is secretary."""
    covered = defaultdict(list)
    for coverage in coverages:
        covered[coverage.branch_id].append(coverage.institution)
    sizes = _branch_sizes(rng, shape, branches, covered)
    serial = defaultdict(int)
    members, plans = [], []
    for branch, size in zip(branches, sizes, strict=True):
        district = branch.committee.region.code
        # The secretary works where the branch began, so they belong from its founding day.
        earliest = min(covered[branch.pk], key=lambda i: (i.opened_on, i.credit_code))
        for k in range(size):
            serial[district] += 1
            # The secretary and a standalone branch's core three are full members.
            core = k == 0 or (k < 3 and branch.kind == Branch.Kind.STANDALONE)
            full = core or rng.random() < 0.85
            employer = earliest if k == 0 else rng.choice(covered[branch.pk])
            start = max(branch.founded_on, employer.opened_on)
            if k:
                start = min(start + timedelta(days=rng.randint(0, 45)), date(2022, 12, 31))
            joined = (day_between(rng, date(1988, 7, 1), date(2021, 6, 30)) if full
                      else day_between(rng, date(2022, 1, 1), start))
            gender = weighted(rng, ((Member.Gender.FEMALE, 58), (Member.Gender.MALE, 42)))
            members.append(Member(
                number=f"DY{district}{serial[district]:05d}",
                name=person_name(rng, gender),
                gender=gender,
                status=Member.Status.FULL if full else Member.Status.PROBATIONARY,
                joined_on=joined,
            ))
            plans.append((branch, employer, start, k == 0))
    memberships = [
        Membership(member=member, branch=branch, employer=employer, start=start,
                   is_secretary=is_secretary)
        for member, (branch, employer, start, is_secretary) in zip(members, plans, strict=True)
    ]
    starts = {id(member): membership.start for member, membership in zip(members, memberships,
                                                                           strict=True)}
    members = bulk_with_history(Member, members, lambda m: starts[id(m)])
    return members, bulk_with_history(Membership, memberships, lambda m: m.start)


def _new_instructor(rng: random.Random, spec: DistrictSpec, district: Region,
                    number: int) -> Instructor:
    from_bureau = rng.random() < 0.4
    return Instructor(
        number=f"ZD{spec.code}{number:05d}",
        name=person_name(rng),
        source_type=(Instructor.SourceType.EDUCATION_BUREAU if from_bureau
                     else Instructor.SourceType.PUBLIC_SCHOOL),
        source_org=f"{spec.name}教育局" if from_bureau else rng.choice(spec.schools),
        title=rng.choice(BUREAU_TITLES if from_bureau else SCHOOL_TITLES),
        phone=phone(rng),
        region=district,
    )


def build_instructors(rng: random.Random, shape: DemoShape, districts: list[Region],
                      institutions: list[Institution],
                      ) -> tuple[list[Instructor], list[Assignment]]:
    """Instructors of each district, each assigned to one or more of its institutions.

    Every institution has exactly one assignment holding today. In 2023 some institutions
    were handed to another instructor of the same district (轮换); nobody is left without one.
    """
    grouped = _by_district(institutions)
    sizes = [len(grouped[spec.code]) for spec in DISTRICTS]
    counts = apportion(shape.instructors, sizes, minimum=1)
    rotation_counts = apportion(shape.rotations, sizes)
    instructors, plans = [], []
    for spec, district, count in zip(DISTRICTS, districts, counts, strict=True):
        team = [_new_instructor(rng, spec, district, n) for n in range(1, count + 1)]
        instructors.extend(team)
        pool = rng.sample(grouped[spec.code], len(grouped[spec.code]))
        # Each instructor gets one institution, the rest are spread unevenly among them.
        holders = team + rng.choices(team, k=len(pool) - len(team))
        sent = {id(instructor): day_between(rng, date(2022, 4, 1), date(2022, 9, 30))
                for instructor in team}
        plans.extend(
            (instructor, institution, max(sent[id(instructor)], institution.opened_on))
            for instructor, institution in zip(holders, pool, strict=True)
        )
    first_day = {}
    for instructor, _, start in plans:
        first_day[id(instructor)] = min(start, first_day.get(id(instructor), start))
    instructors = bulk_with_history(Instructor, instructors, lambda i: first_day[id(i)])
    assignments = bulk_with_history(Assignment, [
        Assignment(instructor=instructor, institution=institution, start=start)
        for instructor, institution, start in plans
    ], lambda a: a.start)
    return instructors, assignments + _rotate(rng, assignments, rotation_counts)


def _rotate(rng: random.Random, assignments: list[Assignment],
            rotation_counts: list[int]) -> list[Assignment]:
    """Hand some institutions to another instructor of the district during 2023."""
    load = defaultdict(int)
    team_of = defaultdict(dict)
    by_district = defaultdict(list)
    for assignment in assignments:
        load[assignment.instructor_id] += 1
        district = assignment.instructor.region.code
        team_of[district][assignment.instructor_id] = assignment.instructor
        by_district[district].append(assignment)
    ended, started = [], []
    for spec, wanted in zip(DISTRICTS, rotation_counts, strict=True):
        team = list(team_of[spec.code].values())
        done = 0
        for old in rng.sample(by_district[spec.code], len(by_district[spec.code])):
            if done == wanted or len(team) < 2:
                break
            if load[old.instructor_id] < 2:
                continue
            successor = rng.choice([i for i in team if i.pk != old.instructor_id])
            day = day_between(rng, ROTATION_FIRST, ROTATION_LAST)
            old.end = day - timedelta(days=1)
            old._history_date = timezone.make_aware(datetime.combine(day, time(9)))
            load[old.instructor_id] -= 1
            load[successor.pk] += 1
            ended.append(old)
            started.append(Assignment(instructor=successor, institution=old.institution,
                                      start=day))
            done += 1
    bulk_update_with_history(ended, Assignment, ["end"], batch_size=BATCH_SIZE,
                             default_change_reason=HISTORY_REASON)
    return bulk_with_history(Assignment, started, lambda a: a.start)


def build_pairings(rng: random.Random, shape: DemoShape, districts: list[Region],
                   branches: list[Branch]) -> tuple[list[SchoolBranch], list[Pairing]]:
    """Branches paired with public-school branches of their district (结对共建)."""
    by_district = defaultdict(list)
    for branch in branches:
        by_district[branch.committee.region.code].append(branch)
    paired_counts = apportion(shape.paired_branches,
                              [len(by_district[spec.code]) for spec in DISTRICTS])
    extra_schools = apportion(shape.school_branches - shape.paired_branches, paired_counts)
    school_branches, plans = [], []
    for spec, district, paired, extra in zip(DISTRICTS, districts, paired_counts, extra_schools,
                                             strict=True):
        if paired == 0:
            continue
        chosen = rng.sample(by_district[spec.code], paired)
        schools = rng.sample(spec.schools, len(spec.schools))
        partners = [
            SchoolBranch(school=schools[k % len(schools)],
                         name=f"第{chinese_number(k // len(schools) + 1)}党支部", region=district)
            for k in range(paired + extra)
        ]
        school_branches.extend(partners)
        # k-th pairing joins branch k mod P with school k mod S: every one is paired, no twice.
        for k in range(max(paired, len(partners))):
            branch = chosen[k % paired]
            start = max(branch.founded_on, day_between(rng, date(2022, 5, 1), date(2022, 11, 30)))
            plans.append((branch, partners[k % len(partners)], start))
    first_day = {}
    for _, partner, start in plans:
        first_day[id(partner)] = min(start, first_day.get(id(partner), start))
    school_branches = bulk_with_history(SchoolBranch, school_branches, lambda s: first_day[id(s)])
    pairings = bulk_with_history(Pairing, [
        Pairing(branch=branch, school_branch=partner, start=start)
        for branch, partner, start in plans
    ], lambda p: p.start)
    return school_branches, pairings


@transaction.atomic
def build_demo_city(institutions: int = DEFAULT_INSTITUTIONS) -> DemoCity:
    """Build the whole demo city in one transaction; the same input gives the same city."""
    shape = demo_shape(institutions)
    rng = random.Random(SEED)
    city, districts, streets = build_regions()
    work_committee, committees = build_committees(city, districts)
    made = build_institutions(rng, shape, districts, streets)
    branches, coverages = build_branches(rng, shape, committees, made)
    members, memberships = build_members(rng, shape, branches, coverages)
    instructors, assignments = build_instructors(rng, shape, districts, made)
    school_branches, pairings = build_pairings(rng, shape, districts, branches)
    return DemoCity(
        shape=shape, city=city, districts=districts, streets=streets,
        work_committee=work_committee, committees=committees, institutions=made,
        branches=branches, coverages=coverages, members=members, memberships=memberships,
        instructors=instructors, assignments=assignments, school_branches=school_branches,
        pairings=pairings,
    )


def existing_demo_city() -> Region | None:
    """The demo city if it was already built (found by its region code)."""
    return Region.objects.filter(code=CITY_CODE).first()


def was_built_by_seed_demo(city: Region) -> bool:
    """Whether the city's record was created by this loader rather than by real users."""
    return city.history.filter(history_type="+", history_change_reason=HISTORY_REASON).exists()


def demo_figures(city: Region, day: date) -> dict[str, int]:
    """The structure figures of the city as of `day`, counted from the records."""
    within = city.path
    branches = Branch.objects.filter(committee__region__path__startswith=within).active_on(day)
    kinds = branches.aggregate(
        joint=Count("pk", filter=Q(kind=Branch.Kind.JOINT)),
        standalone=Count("pk", filter=Q(kind=Branch.Kind.STANDALONE)),
    )
    memberships = Membership.objects.filter(
        branch__committee__region__path__startswith=within).holding_on(day)
    assignments = Assignment.objects.filter(
        institution__region__path__startswith=within).holding_on(day)
    pairings = Pairing.objects.filter(
        branch__committee__region__path__startswith=within).holding_on(day)
    institutions = Institution.objects.filter(region__path__startswith=within).operating_on(day)
    return {
        "institutions": institutions.count(),
        "joint": kinds["joint"],
        "standalone": kinds["standalone"],
        "members": memberships.values("member").distinct().count(),
        "secretaries": memberships.filter(is_secretary=True).values("member").distinct().count(),
        "instructors": assignments.values("instructor").distinct().count(),
        "assigned": assignments.values("institution").distinct().count(),
        "covered": Coverage.objects.filter(institution__in=institutions).holding_on(day)
        .values("institution").distinct().count(),
        "paired_branches": pairings.values("branch").distinct().count(),
        "school_branches": pairings.values("school_branch").distinct().count(),
    }
