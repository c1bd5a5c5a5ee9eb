"""The public red-list pages: /redlist/ (published years), /redlist/<year>/ (the current
version) and /redlist/<year>/v<version>/ (an earlier one), no login."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.red_list_index, name="redlist_index"),
    path("<year:year>/", views.red_list_public, name="redlist_public"),
    path("<year:year>/v<int:version>/", views.red_list_public, name="redlist_version"),
]
