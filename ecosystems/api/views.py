from rest_framework import mixins, viewsets

from core.api import ApiResponsesMixin, CuratorPermissions

from ..filters import EcosystemFilter
from ..models import Ecosystem
from .serializers import EcosystemSerializer


class EcosystemViewSet(
    ApiResponsesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The 14 industrial ecosystems with their published partnership and document counts.

    The ecosystems are fixed: curators may edit their texts, not add or remove one.
    """

    queryset = Ecosystem.objects.with_published_counts()
    serializer_class = EcosystemSerializer
    filterset_class = EcosystemFilter
    permission_classes = [CuratorPermissions]
    lookup_field = "slug"
