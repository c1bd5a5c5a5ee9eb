from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("gaps/", views.coverage_gaps, name="coverage_gaps"),
]
