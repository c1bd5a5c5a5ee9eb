from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("gaps/", views.coverage_gaps, name="coverage_gaps"),
    path("search/", views.search_page, name="search"),
    path("search/suggest/", views.search_suggest, name="search_suggest"),
]
