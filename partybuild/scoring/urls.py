"""Scores, rubrics, inspections and the red list of a year (namespace "scoring")."""

from django.urls import path

from . import views

app_name = "scoring"
urlpatterns = [
    path("", views.score_list_default, name="score_list_default"),
    path("<int:year>/", views.ScoreList.as_view(), name="score_list"),
    path("<int:year>/recompute/", views.Recompute.as_view(), name="recompute"),
    path("<int:year>/rubric/", views.rubric_detail, name="rubric"),
    path("<int:year>/rubric/edit/", views.RubricEdit.as_view(), name="rubric_edit"),
    path("<int:year>/year/", views.year_detail, name="year"),
    path("<int:year>/finalise/", views.YearFinalise.as_view(), name="year_finalise"),
    path("<int:year>/reopen/", views.YearReopen.as_view(), name="year_reopen"),
    path("<int:year>/late-changes/", views.late_changes_list, name="late_changes"),
    path("<int:year>/red-list/", views.red_list_admin, name="red_list"),
    path("<int:year>/red-list/publish/", views.RedListPublish.as_view(),
         name="red_list_publish"),
    path("<int:year>/red-list/correct/", views.RedListCorrect.as_view(),
         name="red_list_correct"),
    path("<int:year>/institutions/<int:pk>/", views.score_detail, name="score_detail"),
    path("<int:year>/institutions/<int:pk>/recompute/", views.RecomputeInstitution.as_view(),
         name="recompute_institution"),
    path("<int:year>/institutions/<int:pk>/late-changes/", views.score_difference,
         name="score_difference"),
    path("<int:year>/institutions/<int:pk>/inspection/", views.inspection_detail,
         name="inspection"),
    path("<int:year>/institutions/<int:pk>/inspection/adjust/", views.inspection_adjust,
         name="inspection_adjust"),
    path("<int:year>/institutions/<int:pk>/inspection/<str:section>/",
         views.inspection_section, name="inspection_section"),
    path("<int:year>/institutions/<int:pk>/inspection-finalise/",
         views.InspectionFinalise.as_view(), name="inspection_finalise"),
    path("<int:year>/institutions/<int:pk>/inspection-reopen/",
         views.InspectionReopen.as_view(), name="inspection_reopen"),
]
