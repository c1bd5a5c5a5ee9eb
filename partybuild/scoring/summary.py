"""The summary figures of SCORING.md for a region and a year."""

from dataclasses import asdict, dataclass
from datetime import date

from django.db.models import Count, F, Q

from partybuild.activities.models import Activity
from partybuild.organisation.models import Institution
from partybuild.organisation.selectors import region_structure_figures
from partybuild.regions.models import Region
from partybuild.visits.models import Clue, Hazard, Visit

from .engine import InstitutionScore, score_institutions
from .finality import current_publication
from .models import Score
from .rubric import DEFAULT_RUBRIC, RubricValues

SUMMARY_KEYS = (
    "institutions", "party_members", "joint_branches", "standalone_branches", "secretaries",
    "instructors", "covered_institutions", "institutions_without_instructor",
    "paired_branches", "paired_school_branches",
    "visits", "case_talks", "hazards_found", "hazards_rectified_on_time", "clues",
    "clues_substantiated", "enforcement_actions", "activities", "pairing_activities",
    "red_list",
)


@dataclass(frozen=True)
class SummaryFigures:
    region: str
    year: int
    as_of: date
    institutions: int
    party_members: int
    joint_branches: int
    standalone_branches: int
    secretaries: int
    instructors: int
    covered_institutions: int
    institutions_without_instructor: int
    paired_branches: int
    paired_school_branches: int
    visits: int
    case_talks: int
    hazards_found: int
    hazards_rectified_on_time: int
    clues: int
    clues_substantiated: int
    enforcement_actions: int
    activities: int
    pairing_activities: int
    red_list: int

    def as_dict(self) -> dict:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        return data


def summary_figures(*, region: Region, year: int, as_of: date | None = None,
                    rubric: RubricValues = DEFAULT_RUBRIC,
                    stored_red_list: bool = False,
                    live_scores: list[InstitutionScore] | None = None) -> SummaryFigures:
    """Structure figures on the as-of day (default 31 December) and the year's work figures.

    The red list of a published year is the current published list (what the public page
    shows, whatever is recorded later); otherwise it is read from the stored scores when
    `stored_red_list` (a finalised year, whose scores never change), or scored live.
    `live_scores`: the engine's scores of the region's institutions for the year with this
    rubric, when the caller already has them (the region report), so the engine runs once.
    """
    as_of = as_of or date(year, 12, 31)
    path = region.path
    structure = region_structure_figures(path=path, day=as_of)
    in_year = {"date__gte": date(year, 1, 1), "date__lte": date(year, 12, 31)}
    in_region = {"institution__region__path__startswith": path}

    visits = Visit.objects.filter(**in_region, **in_year).aggregate(
        visits=Count("pk"), case_talks=Count("pk", filter=Q(case_talk=True)))
    hazards = (
        Hazard.objects.filter(**in_region, found_on__gte=date(year, 1, 1),
                              found_on__lte=date(year, 12, 31))
        .aggregate(found=Count("pk"),
                   on_time=Count("pk", filter=Q(rectified_on__isnull=False,
                                                rectified_on__lte=F("deadline"))))
    )
    clues = Clue.objects.filter(**in_region, **in_year).aggregate(
        clues=Count("pk"), substantiated=Count("pk", filter=Q(substantiated=True)),
        enforcement=Count("pk", filter=Q(enforcement=True)))
    activities = (
        Activity.objects.filter(branch__committee__region__path__startswith=path, **in_year)
        .aggregate(total=Count("pk"),
                   pairing=Count("pk", filter=Q(kind=Activity.Kind.PAIRING)))
    )
    institutions = Institution.objects.filter(region__path__startswith=path)
    publication = current_publication(year)
    if publication is not None:
        red_list = publication.entries.filter(institution__in=institutions.values("pk")).count()
    elif stored_red_list:
        red_list = Score.objects.filter(year=year, red_list=True,
                                        institution__in=institutions.values("pk")).count()
    else:
        scores = (live_scores if live_scores is not None
                  else score_institutions(institutions=institutions, year=year, rubric=rubric))
        red_list = sum(1 for score in scores if score.red_list)
    return SummaryFigures(
        region=region.code, year=year, as_of=as_of,
        institutions=structure.institutions,
        party_members=structure.party_members,
        joint_branches=structure.joint_branches,
        standalone_branches=structure.standalone_branches,
        secretaries=structure.secretaries,
        instructors=structure.instructors,
        covered_institutions=structure.covered_institutions,
        institutions_without_instructor=structure.institutions_without_instructor,
        paired_branches=structure.paired_branches,
        paired_school_branches=structure.paired_school_branches,
        visits=visits["visits"], case_talks=visits["case_talks"],
        hazards_found=hazards["found"], hazards_rectified_on_time=hazards["on_time"],
        clues=clues["clues"], clues_substantiated=clues["substantiated"],
        enforcement_actions=clues["enforcement"],
        activities=activities["total"], pairing_activities=activities["pairing"],
        red_list=red_list,
    )

