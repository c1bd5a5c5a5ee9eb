"""Evidence files are never served from MEDIA_URL: each app's download view checks scope."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("partybuild.accounts.urls")),
    path("organisation/", include("partybuild.organisation.urls")),
    path("instructors/", include("partybuild.instructors.urls")),
    path("visits/", include("partybuild.visits.urls")),
    path("activities/", include("partybuild.activities.urls")),
    path("points/", include("partybuild.points.urls")),
    path("imports/", include("partybuild.imports.urls")),
    path("scores/", include("partybuild.scoring.urls")),
    path("redlist/", include("partybuild.scoring.urls_public")),
    path("reports/", include("partybuild.reports.urls")),
    path("", include("partybuild.core.urls")),
]
