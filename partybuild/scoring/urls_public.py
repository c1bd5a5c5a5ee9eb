"""The public red-list page: /redlist/<year>/, no login."""

from django.urls import path

from . import views

urlpatterns = [
    path("<year:year>/", views.red_list_public, name="redlist_public"),
]
