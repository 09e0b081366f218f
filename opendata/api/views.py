from django.conf import settings
from django.utils.cache import patch_cache_control
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.api import ApiResponsesMixin

from .. import changes
from .serializers import ChangePageSerializer, ChangeQuerySerializer


class ChangeFeedView(ApiResponsesMixin, generics.GenericAPIView):
    """Every creation, change and removal of published records, in order.

    Replaying the feed from the start rebuilds the published data: an event with `data`
    puts the record as it is given, an event with `data: null` (a tombstone: the record
    was unpublished, archived or deleted) removes it. Poll with the last `next_cursor`.
    """

    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]
    filter_backends = []
    pagination_class = None
    serializer_class = ChangePageSerializer
    query_parameters = ("since", "limit")

    @extend_schema(
        description=f"{__doc__}\n\nEvents are listed once they are "
        f"{settings.CHANGE_FEED_SETTLE_SECONDS} seconds old, so that no write still in "
        "progress can add one behind a cursor already given out.",
        parameters=[ChangeQuerySerializer],
        responses={200: ChangePageSerializer},
    )
    def get(self, request):
        # An empty parameter (``?since=``) is the same as none, as everywhere in the API.
        given = {name: value for name, value in request.query_params.items() if value != ""}
        query = ChangeQuerySerializer(data=given)
        query.is_valid(raise_exception=True)
        since = query.validated_data.get("since")
        limit = query.validated_data["limit"]
        found, more = changes.events(since, limit)
        last = found[-1].position if found else since
        next_cursor = last.cursor() if last else None
        url = request.build_absolute_uri()
        response = Response(
            {
                "events": [event.as_json() for event in found],
                "next_cursor": next_cursor,
                "more": more,
                "next": replace_query_param(url, "since", next_cursor) if more else None,
            }
        )
        if not more:
            # The head of the feed grows as events settle, with no content change to retire
            # a kept copy: shared caches must ask again.
            patch_cache_control(response, no_cache=True)
        return response
