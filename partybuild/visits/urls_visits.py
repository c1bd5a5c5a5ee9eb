from django.urls import path

from . import views, views_bulk

urlpatterns = [
    path("", views.VisitList.as_view(), name="visit_list"),
    path("new/", views.visit_create, name="visit_create"),
    path("sync/", views.visit_sync, name="visit_sync"),
    path("<int:pk>/", views.visit_detail, name="visit_detail"),
    path("<int:pk>/edit/", views.visit_update, name="visit_update"),
    path("evidence/<int:pk>/", views.visit_evidence_download, name="visit_evidence_download"),
    path("hazards/", views.HazardList.as_view(), name="hazard_list"),
    path("hazards/new/", views.hazard_create, name="hazard_create"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/<int:pk>/rectify/", views.hazard_rectify, name="hazard_rectify"),
    path("hazards/bulk-close-out/", views_bulk.HazardBulkCloseOut.as_view(),
         name="hazard_bulk_close_out"),
    path("hazards/<int:pk>/close-out/", views.HazardCloseOut.as_view(), name="hazard_close_out"),
    path("hazards/evidence/<int:pk>/", views.hazard_evidence_download,
         name="hazard_evidence_download"),
    path("clues/", views.ClueList.as_view(), name="clue_list"),
    path("clues/new/", views.clue_create, name="clue_create"),
    path("clues/<int:pk>/", views.clue_detail, name="clue_detail"),
    path("clues/<int:pk>/review/", views.ClueReview.as_view(), name="clue_review"),
]
