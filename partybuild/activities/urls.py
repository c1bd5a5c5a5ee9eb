from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.ActivityList.as_view(), name="activity_list"),
    path("new/", views.activity_create, name="activity_create"),
    path("<int:pk>/", views.activity_detail, name="activity_detail"),
    path("<int:pk>/edit/", views.activity_update, name="activity_update"),
    path("<int:pk>/evidence/", views.activity_evidence_add, name="activity_evidence_add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("cadence/", views.cadence_overview, name="cadence_overview"),
]
