"""Read pages and write actions live in separate modules; both are mounted here."""

from . import urls_actions, urls_pages

app_name = "organisation"
urlpatterns = urls_pages.urlpatterns + urls_actions.urlpatterns
