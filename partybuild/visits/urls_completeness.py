from django.urls import path

from . import views_completeness

urlpatterns = [
    path("completeness/", views_completeness.completeness, name="completeness"),
]
