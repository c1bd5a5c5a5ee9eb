"""Evidence files are never served from MEDIA_URL: each app's download view checks scope."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    # The language switch is in every page's header, the login page's too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
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
    path("audit/", include("partybuild.audit.urls")),
    path("notifications/", include("partybuild.notifications.urls")),
    path("", include("partybuild.home.urls")),
    path("", include("partybuild.visits.urls_pwa")),
    path("", include("partybuild.core.urls")),
]
