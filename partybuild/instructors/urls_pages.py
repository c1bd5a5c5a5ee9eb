from django.urls import path

from . import views_pages

urlpatterns = [
    path("", views_pages.InstructorList.as_view(), name="instructor_list"),
    path("<int:pk>/", views_pages.instructor_detail, name="instructor_detail"),
    path("<int:pk>/phone/", views_pages.instructor_phone_reveal, name="instructor_phone_reveal"),
]
