from django.urls import path

from . import feeds, views

app_name = "partnerships"

urlpatterns = [
    path("partnerships/", views.PartnershipListView.as_view(), name="list"),
    path("partnerships/<slug:slug>/", views.PartnershipDetailView.as_view(), name="detail"),
    path("commitments/", views.commitment_tracker, name="commitments"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation_detail",
    ),
    path("documents/", views.DocumentListView.as_view(), name="document_list"),
    path("documents/feed/", feeds.LatestDocumentsFeed(), name="document_feed"),
    path("documents/<slug:slug>/", views.DocumentDetailView.as_view(), name="document_detail"),
    path(
        "documents/<slug:slug>/<str:language>.pdf",
        views.document_download,
        name="document_download",
    ),
    path(
        "documents/<slug:slug>/<str:language>/text/",
        views.DocumentTextView.as_view(),
        name="document_text",
    ),
    path("search/", views.search, name="search"),
]
