from django.urls import path

from . import views_actions as views

urlpatterns = [
    path("new/", views.InstructorCreate.as_view(), name="instructor_create"),
    path("<int:pk>/edit/", views.InstructorUpdate.as_view(), name="instructor_update"),
    path("assignments/new/", views.AssignmentCreate.as_view(), name="assignment_create"),
    path("assignments/<int:pk>/end/", views.AssignmentEnd.as_view(), name="assignment_end"),
    path("institutions/bulk-reassign/", views.AssignmentBulkReassign.as_view(),
         name="assignment_bulk_reassign"),
    path("institutions/<int:pk>/reassign/", views.AssignmentReassign.as_view(),
         name="assignment_reassign"),
]
