"""The region dashboard and the PDF reports."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("region.pdf", views.region_pdf, name="region_pdf"),
    path("duty-cards.pdf", views.region_duty_cards_pdf, name="duty_cards_pdf"),
    path("institutions/<int:pk>/annual.pdf", views.institution_pdf, name="institution_pdf"),
    path("institutions/<int:pk>/duty-card.pdf", views.institution_duty_card_pdf,
         name="institution_duty_card_pdf"),
]
