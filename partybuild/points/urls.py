"""Red-list points: the ranking, an institution's ledger, adding and correcting entries.

There is no edit or delete URL on purpose: the ledger is append-only.
"""

from django.urls import path

from . import views

app_name = "points"
urlpatterns = [
    path("", views.PointRanking.as_view(), name="ranking"),
    path("institutions/<int:pk>/", views.institution_ledger, name="ledger"),
    path("institutions/<int:pk>/add/", views.PointEntryAdd.as_view(), name="entry_add"),
    path("entries/<int:pk>/correct/", views.PointEntryCorrect.as_view(), name="entry_correct"),
]
