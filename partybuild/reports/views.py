"""The region dashboard and the PDF downloads: parse, scope, build, draw."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from partybuild.audit.services import audit_record
from partybuild.core.access import institution_reader_required, structure_reader_required
from partybuild.scoring.models import grade_label

from . import builders, pdf
from .selectors import report_institution, report_institutions, report_region, report_regions
from .timeliness import report_on_time

FIRST_YEAR = 2015


def _year(request) -> int:
    """The year asked for in ?year=, or this year when it is missing or not a plausible year."""
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return this_year
    return year if FIRST_YEAR <= year <= this_year + 1 else this_year


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@structure_reader_required
def dashboard(request):
    """The region's charts for a year: four-ones completion, coverage, grades, districts."""
    year = _year(request)
    region = report_region(user=request.user, code=request.GET.get("region"))
    report = builders.region_report(region=region, year=year)
    charts = {
        "months": [_("%(month)d月") % {"month": line.month}
                   for line in report.four_ones_completion],
        "four_ones": [float(line.rate) for line in report.four_ones_completion],
        "coverage": [float(line.rate) for line in report.coverage],
        "grades": {"labels": [grade_label(grade) for grade, _count in report.grades],
                   "counts": [count for _grade, count in report.grades]},
        "districts": {"labels": [line.name for line in report.districts],
                      "coverage": [float(line.coverage_rate) for line in report.districts],
                      "average": [float(line.average_total) for line in report.districts]},
        "labels": {"four_ones": _("完成率%"), "coverage": _("覆盖率%"), "average": _("平均总分")},
    }
    return render(request, "reports/dashboard.html", {
        "report": report, "region": region, "year": year, "charts": charts,
        "sentences": builders.summary_sentences(report.figures, region.name),
        "regions": report_regions(user=request.user),
        "years": range(timezone.localdate().year, FIRST_YEAR - 1, -1),
        "top": report.ranking[:20],
        "on_time": report_on_time(region=region, year=year, report=report),
    })


@structure_reader_required
def region_pdf(request):
    """The region report PDF for ?region= and ?year=."""
    year = _year(request)
    region = report_region(user=request.user, code=request.GET.get("region"))
    report = builders.region_report(region=region, year=year)
    audit_record("pdf_download", request=request, object_repr=region.name, year=year)
    on_time = report_on_time(region=region, year=year, report=report)
    return _pdf(pdf.region_report_pdf(report, on_time=on_time),
                f"region-report-{region.code}-{year}.pdf")


@structure_reader_required
def institution_pdf(request, pk: int):
    """An institution's annual report PDF for ?year=."""
    year = _year(request)
    institution = report_institution(user=request.user, pk=pk)
    report = builders.institution_report(institution=institution, year=year)
    audit_record("pdf_download", request=request, obj=institution, report="annual", year=year)
    return _pdf(pdf.institution_report_pdf(report),
                f"institution-report-{institution.credit_code}-{year}.pdf")


@structure_reader_required
def region_duty_cards_pdf(request):
    """Duty cards of every institution operating today in ?region=."""
    region = report_region(user=request.user, code=request.GET.get("region"))
    cards = builders.duty_cards(institutions=report_institutions(user=request.user,
                                                                 region=region),
                                day=timezone.localdate())
    audit_record("pdf_download", request=request, object_repr=region.name, rows=len(cards))
    return _pdf(pdf.duty_cards_pdf(cards), f"duty-cards-{region.code}.pdf")


@institution_reader_required
def institution_duty_card_pdf(request, pk: int):
    """One institution's duty card; instructors may print those of their own institutions."""
    institution = report_institution(user=request.user, pk=pk)
    cards = builders.duty_cards(institutions=report_institutions(
        user=request.user, region=institution.region).filter(pk=institution.pk),
        day=timezone.localdate())
    audit_record("pdf_download", request=request, obj=institution, report="duty_card")
    return _pdf(pdf.duty_cards_pdf(cards), f"duty-card-{institution.credit_code}.pdf")
