from django.urls import path

from . import views_actions as views

urlpatterns = [
    path("institutions/new/", views.InstitutionCreate.as_view(), name="institution_create"),
    path("institutions/<int:pk>/edit/", views.InstitutionUpdate.as_view(),
         name="institution_update"),
    path("institutions/<int:pk>/cover/", views.InstitutionCover.as_view(),
         name="institution_cover"),
    path("branches/new/", views.BranchCreate.as_view(), name="branch_create"),
    path("branches/<int:pk>/edit/", views.BranchUpdate.as_view(), name="branch_update"),
    path("branches/<int:pk>/dissolve/", views.BranchDissolve.as_view(), name="branch_dissolve"),
    path("branches/<int:pk>/merge/", views.BranchMerge.as_view(), name="branch_merge"),
    path("branches/<int:pk>/coverage/new/", views.CoverageAdd.as_view(), name="coverage_add"),
    path("branches/<int:pk>/secretary/", views.SecretarySet.as_view(), name="secretary_set"),
    path("coverage/bulk-end/", views.CoverageBulkEnd.as_view(), name="coverage_bulk_end"),
    path("coverage/<int:pk>/end/", views.CoverageEnd.as_view(), name="coverage_end"),
    path("members/new/", views.MemberCreate.as_view(), name="member_create"),
    path("members/<int:pk>/edit/", views.MemberUpdate.as_view(), name="member_update"),
    path("members/<int:pk>/transfer/", views.MemberTransfer.as_view(), name="member_transfer"),
    path("members/<int:pk>/transfer-out/", views.MemberTransferOut.as_view(),
         name="member_transfer_out"),
    path("pairings/new/", views.PairingCreate.as_view(), name="pairing_create"),
    path("pairings/<int:pk>/end/", views.PairingEnd.as_view(), name="pairing_end"),
]
