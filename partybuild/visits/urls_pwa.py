"""The manifest and the service worker, mounted at the site root (the worker's scope)."""

from django.urls import path

from . import views_pwa

urlpatterns = [
    path("sw.js", views_pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", views_pwa.manifest, name="manifest"),
]
