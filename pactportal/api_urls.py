"""API v1: one router for every resource, mounted at /api/v1/ under the namespace "api"."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from alliances.api.views import (
    AllianceViewSet,
    EligibilityCheckViewSet,
    FundingCallViewSet,
    MatchView,
)
from ecosystems.api.views import EcosystemViewSet
from figures.api.regions import RegionViewSet
from figures.api.views import OfficialFigureViewSet
from opendata.api.views import ChangeFeedView
from partnerships.api.commitments import CommitmentViewSet
from partnerships.api.parts import AreaViewSet, MembershipViewSet
from partnerships.api.views import DocumentViewSet, OrganisationViewSet, PartnershipViewSet

router = DefaultRouter()
router.register("ecosystems", EcosystemViewSet, basename="ecosystem")
router.register("partnerships", PartnershipViewSet, basename="partnership")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("documents", DocumentViewSet, basename="document")
router.register("commitments", CommitmentViewSet, basename="commitment")
router.register("calls", FundingCallViewSet, basename="call")
router.register("alliances", AllianceViewSet, basename="alliance")
router.register("eligibility-check", EligibilityCheckViewSet, basename="eligibility-check")
router.register("official-figures", OfficialFigureViewSet, basename="official-figure")
router.register("regions", RegionViewSet, basename="region")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("areas", AreaViewSet, basename="area")

app_name = "api"
urlpatterns = [
    *router.urls,
    path("changes/", ChangeFeedView.as_view(), name="changes"),
    path("match/", MatchView.as_view(), name="match"),
]
