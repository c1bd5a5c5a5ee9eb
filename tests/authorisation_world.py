"""One small city for the authorisation matrix: every kind of record a URL can name, twice.

County A (赫山区) holds the records alice, bob and carol may open; county B (资阳区) holds
the same kinds of record, which they may not. eve is committee staff of county B, so for her
the two counties swap. dave administers the whole city and sees both.

In each county: a committee, an institution covered by a joint branch (with a second branch
to merge into or transfer to) and a spare institution nobody covers yet, a member of the
branch, a pairing with a school branch, an instructor assigned to the institution (bob in
county A) and a spare one, that instructor's visit with a photo, a rectified hazard with its
evidence and a clue, a branch activity with evidence, a red-list points entry and an open
inspection of last year. Last year's scores are computed and its red list is published, so
every page has something to show.

The users are those of tests/conftest.py, made here because the world is built once per
module and the conftest fixtures are made once per test.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from partybuild.accounts.models import User
from partybuild.organisation.models import Branch
from partybuild.regions.models import Region
from partybuild.scoring import services as scoring_services
from partybuild.scoring.models import Inspection, RedListPublication
from partybuild.visits.models import HazardEvidence, VisitEvidence

from .factories import (
    AssignmentFactory,
    BranchFactory,
    CommitteeFactory,
    CoverageFactory,
    InstitutionFactory,
    InstructorFactory,
    MemberFactory,
    MembershipFactory,
    PairingFactory,
    RegionFactory,
    SchoolBranchFactory,
    UserFactory,
)
from .factories_activities import ActivityEvidenceFactory, ActivityFactory
from .factories_points import PointEntryFactory
from .factories_visits import JPEG_BYTES, PNG_BYTES, ClueFactory, HazardFactory, VisitFactory

ROLES = ("alice", "bob", "carol", "dave", "eve", "frank", "grace")


@dataclass
class County:
    """The records of one county, by the names the matrix uses for URL objects."""

    region: Region
    committee: object
    institution: object
    spare_institution: object
    branch: Branch
    other_branch: Branch
    coverage: object
    member: object
    pairing: object
    instructor: object
    spare_instructor: object
    assignment: object
    visit: object
    visit_evidence: object
    hazard: object
    hazard_evidence: object
    clue: object
    activity: object
    activity_evidence: object
    points_entry: object
    inspection: Inspection


@dataclass
class World:
    city: Region
    a: County
    b: County
    users: dict[str, User]
    year: int
    # Session keys by role, filled in by the test module once the users exist.
    sessions: dict[str, str] = field(default_factory=dict)

    def county(self, side: str) -> County:
        return {"a": self.a, "b": self.b}[side]


def _county(region: Region, *, names: dict, instructor, spare_instructor, year: int,
            visited: date) -> County:
    committee = CommitteeFactory(name=f"{region.name}民办教育党委", region=region)
    institution = InstitutionFactory(name=names["institution"], region=region,
                                     address=names["address"])
    spare_institution = InstitutionFactory(name=names["spare"], region=region,
                                           address=names["address"])
    branch = BranchFactory(name=f"{names['institution']}党支部", kind=Branch.Kind.JOINT,
                           committee=committee, founded_on=date(2021, 1, 1))
    other_branch = BranchFactory(name=f"{region.name}第一联合党支部", committee=committee,
                                 founded_on=date(2021, 1, 1))
    coverage = CoverageFactory(branch=branch, institution=institution, start=date(2021, 1, 1))
    member = MemberFactory(name=names["member"])
    MembershipFactory(member=member, branch=branch, start=date(2021, 3, 1), is_secretary=False)
    pairing = PairingFactory(branch=branch, school_branch=SchoolBranchFactory(
        name="第一党支部", school=names["school"]), start=date(2022, 3, 1))
    assignment = AssignmentFactory(instructor=instructor, institution=institution,
                                   start=date(2022, 1, 1))
    visit = VisitFactory(instructor=instructor, institution=institution, date=visited)
    visit_evidence = VisitEvidence.objects.create(
        visit=visit, file=ContentFile(JPEG_BYTES, name="visit.jpg"),
        original_name="走访照片.jpg", content_type="image/jpeg", size=len(JPEG_BYTES))
    hazard = HazardFactory(institution=institution, instructor=instructor, visit=visit,
                           found_on=visited, deadline=visited + timedelta(days=28),
                           description="二楼消防通道堆放杂物",
                           rectified_on=visited + timedelta(days=14),
                           rectification_note="杂物已清理，通道畅通")
    hazard_evidence = HazardEvidence.objects.create(
        hazard=hazard, file=ContentFile(PNG_BYTES, name="hazard.png"),
        original_name="整改照片.png", content_type="image/png", size=len(PNG_BYTES))
    clue = ClueFactory(institution=institution, instructor=instructor, visit=visit,
                       date=visited, description="疑似超范围招收学科类学员")
    activity = ActivityFactory(branch=branch, date=date(year, 5, 20),
                               title=f"{names['institution']}主题党日活动")
    activity_evidence = ActivityEvidenceFactory(activity=activity)
    points_entry = PointEntryFactory(institution=institution, date=date(year, 5, 20),
                                     points=Decimal("2.0"), reason="开展党建公益活动受到表彰")
    inspection = Inspection.objects.create(institution=institution, year=year)
    return County(region=region, committee=committee, institution=institution,
                  spare_institution=spare_institution, branch=branch, other_branch=other_branch,
                  coverage=coverage, member=member, pairing=pairing,
                  instructor=instructor, spare_instructor=spare_instructor,
                  assignment=assignment, visit=visit,
                  visit_evidence=visit_evidence, hazard=hazard,
                  hazard_evidence=hazard_evidence, clue=clue, activity=activity,
                  activity_evidence=activity_evidence, points_entry=points_entry,
                  inspection=inspection)


def build_world() -> World:
    """Create the city, its two counties, the five named users and every record."""
    today = timezone.localdate()
    year = today.year - 1
    # A month ago: the visit, its hazard (rectified two weeks later) and its clue.
    visited = today - timedelta(days=30)
    city = RegionFactory(code="430900", name="益阳市", level="city", parent=None)
    county_a = RegionFactory(code="430903", name="赫山区", level="district", parent=city)
    county_b = RegionFactory(code="430902", name="资阳区", level="district", parent=city)
    users = {
        "alice": UserFactory(username="alice", display_name="张丽", role=User.Role.STAFF,
                             region=county_a),
        "bob": UserFactory(username="bob", display_name="李波", role=User.Role.INSTRUCTOR,
                           region=county_a),
        "carol": UserFactory(username="carol", display_name="陈静", role=User.Role.REVIEWER,
                             region=county_a),
        "dave": UserFactory(username="dave", display_name="王强", role=User.Role.ADMIN,
                            region=city, is_staff=True),
        "eve": UserFactory(username="eve", display_name="赵燕", role=User.Role.STAFF,
                           region=county_b),
        # The other two of the three administrators (三员分立): security (lockouts, in the
        # admin, hence staff status) and audit (reads the audit trail, nothing else).
        "frank": UserFactory(username="frank", display_name="孙安", role=User.Role.SECURITY_ADMIN,
                             region=city, is_staff=True),
        "grace": UserFactory(username="grace", display_name="钱审", role=User.Role.AUDIT_ADMIN,
                             region=city),
    }
    bob_record = InstructorFactory(name="李波", user=users["bob"], region=county_a)
    liu_yang = InstructorFactory(name="刘洋", region=county_b, source_org="益阳市第六中学")
    a = _county(county_a, instructor=bob_record, year=year, visited=visited,
                spare_instructor=InstructorFactory(name="周敏", region=county_a), names={
                    "institution": "赫山区阳光艺术培训学校", "spare": "赫山区博雅培训学校",
                    "address": "益阳市赫山区桃花仑路1号", "member": "王芳",
                    "school": "益阳市第一中学"})
    b = _county(county_b, instructor=liu_yang, year=year, visited=visited,
                spare_instructor=InstructorFactory(name="吴刚", region=county_b), names={
                    "institution": "资阳区启明体育培训中心", "spare": "资阳区星光舞蹈培训中心",
                    "address": "益阳市资阳区五一路8号", "member": "李娜",
                    "school": "益阳市第六中学"})
    scoring_services.rubric_for_year(year)
    scoring_services.scores_recompute(acting_user=users["dave"], year=year)
    RedListPublication.objects.create(year=year, region_name=city.name,
                                      published_by=users["dave"],
                                      published_at=timezone.now() - timedelta(days=30))
    return World(city=city, a=a, b=b, users=users, year=year)
