"""Scores, rubrics, inspections and the red list of a year (namespace "scoring")."""

from django.urls import path

from . import views

# <year:year> (registered in apps.py): a year outside FIRST_YEAR..LAST_YEAR answers 404.

app_name = "scoring"
urlpatterns = [
    path("", views.score_list_default, name="score_list_default"),
    path("<year:year>/", views.ScoreList.as_view(), name="score_list"),
    path("<year:year>/recompute/", views.Recompute.as_view(), name="recompute"),
    path("<year:year>/rubric/", views.rubric_detail, name="rubric"),
    path("<year:year>/rubric/edit/", views.RubricEdit.as_view(), name="rubric_edit"),
    path("<year:year>/year/", views.year_detail, name="year"),
    path("<year:year>/finalise/", views.YearFinalise.as_view(), name="year_finalise"),
    path("<year:year>/reopen/", views.YearReopen.as_view(), name="year_reopen"),
    path("<year:year>/late-changes/", views.late_changes_list, name="late_changes"),
    path("<year:year>/red-list/", views.red_list_admin, name="red_list"),
    path("<year:year>/red-list/publish/", views.RedListPublish.as_view(),
         name="red_list_publish"),
    path("<year:year>/red-list/correct/", views.RedListCorrect.as_view(),
         name="red_list_correct"),
    path("<year:year>/inspections/finalise/", views.InspectionsFinalise.as_view(),
         name="inspections_finalise"),
    path("<year:year>/institutions/<int:pk>/", views.score_detail, name="score_detail"),
    path("<year:year>/institutions/<int:pk>/recompute/", views.RecomputeInstitution.as_view(),
         name="recompute_institution"),
    path("<year:year>/institutions/<int:pk>/late-changes/", views.score_difference,
         name="score_difference"),
    path("<year:year>/institutions/<int:pk>/inspection/", views.inspection_detail,
         name="inspection"),
    path("<year:year>/institutions/<int:pk>/inspection/adjust/", views.inspection_adjust,
         name="inspection_adjust"),
    path("<year:year>/institutions/<int:pk>/inspection/<str:section>/",
         views.inspection_section, name="inspection_section"),
    path("<year:year>/institutions/<int:pk>/inspection-finalise/",
         views.InspectionFinalise.as_view(), name="inspection_finalise"),
    path("<year:year>/institutions/<int:pk>/inspection-reopen/",
         views.InspectionReopen.as_view(), name="inspection_reopen"),
]
