"""Visit, hazard and clue pages, and the completeness grid, mounted together."""

from . import urls_completeness, urls_visits

app_name = "visits"
urlpatterns = urls_visits.urlpatterns + urls_completeness.urlpatterns
