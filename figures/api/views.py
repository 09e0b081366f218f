from rest_framework import mixins, viewsets

from core.api import ApiResponsesMixin

from ..models import OfficialFigure
from .serializers import OfficialFigureSerializer


class OfficialFigureViewSet(
    ApiResponsesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The Pact's official figures, newest first, each dated and sourced; curators keep them
    in the admin. ``metric`` says what each counts."""

    queryset = OfficialFigure.objects.all()
    serializer_class = OfficialFigureSerializer
    lookup_field = "slug"
    filter_backends = []
