"""The region report's on-time rates (visits.timeliness), per district and per instructor.

The definitions are visits.timeliness's: the complete four-ones visits dated in the year at
institutions of the region; on time = entered within PARTYBUILD_ON_TIME_DAYS of the visit.
One aggregate query per report.
"""

from dataclasses import dataclass
from datetime import date

from partybuild.organisation.models import Institution
from partybuild.regions.models import Region
from partybuild.visits.timeliness import InstructorOnTime, OnTime, on_time_figures

from .builders import RegionReport

INSTRUCTORS_ON_PAGE = 20


@dataclass
class ReportOnTime:
    days: int
    districts: list[tuple[str, OnTime]]
    total: OnTime
    instructors: list[InstructorOnTime]

    @property
    def instructors_on_page(self) -> list[InstructorOnTime]:
        return self.instructors[:INSTRUCTORS_ON_PAGE]


def report_on_time(*, region: Region, year: int, report: RegionReport) -> ReportOnTime:
    """The year's on-time figures of the region, lined up with the report's district lines."""
    figures = on_time_figures(
        institutions=Institution.objects.filter(region__path__startswith=region.path),
        first=date(year, 1, 1), last=date(year, 12, 31), base_path=region.path)
    return ReportOnTime(
        days=figures.days,
        districts=[(line.name, figures.for_region(line.code)) for line in report.districts],
        total=figures.total,
        instructors=figures.instructor_lines,
    )
