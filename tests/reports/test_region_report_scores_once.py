"""A region report scores its institutions once: the summary's red list and the report's
lines come from the same run of the engine, with the figures they had when each ran it."""

from partybuild.organisation.models import Institution
from partybuild.reports import builders
from partybuild.reports.pdf import region_report_pdf
from partybuild.scoring import engine, summary
from partybuild.scoring.summary import summary_figures

from .conftest import YEAR


def test_the_engine_runs_once_per_region_report(small_city, city, monkeypatch):
    runs = []

    def counted(**kwargs):
        runs.append(kwargs["institutions"])
        return engine.score_institutions(**kwargs)

    monkeypatch.setattr(builders, "score_institutions", counted)
    monkeypatch.setattr(summary, "score_institutions", counted)
    report = builders.region_report(region=city, year=YEAR)
    region_report_pdf(report)
    assert len(runs) == 1
    # The same figures as the summary scoring on its own.
    monkeypatch.undo()
    assert report.figures == summary_figures(region=city, year=YEAR)
    assert report.figures.red_list == 1
    assert report.scored == Institution.objects.count() == 3
