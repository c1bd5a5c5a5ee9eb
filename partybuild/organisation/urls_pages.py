from django.urls import path

from . import three_sync_page, views_pages

urlpatterns = [
    path("institutions/", views_pages.InstitutionList.as_view(), name="institution_list"),
    path("institutions/three-sync/", three_sync_page.ThreeSyncList.as_view(), name="three_sync"),
    path("institutions/<int:pk>/", views_pages.institution_detail, name="institution_detail"),
    path("branches/", views_pages.BranchList.as_view(), name="branch_list"),
    path("branches/<int:pk>/", views_pages.branch_detail, name="branch_detail"),
    path("members/", views_pages.MemberList.as_view(), name="member_list"),
    path("members/<int:pk>/", views_pages.member_detail, name="member_detail"),
    path("pairings/", views_pages.PairingList.as_view(), name="pairing_list"),
]
