"""What every API endpoint shares: errors, permissions and visibility."""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from pactportal.cache import (
    digest,
    each_until_content_changes,
    sent_parameters,
    until_content_changes,
)
from pactportal.models import PublicationStatus, sees_drafts


def exception_handler(exc, context):
    """Every error is JSON with a ``detail`` message; invalid input also lists ``errors``.

    Validation errors name each field or query parameter with its messages, so a client can
    show them next to what it sent.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_drf_errors(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {"detail": _("Invalid input."), "errors": errors}
    return response


def as_drf_errors(error: DjangoValidationError) -> dict | list:
    """A model's ValidationError in the shape DRF reports, keyed by field."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if name == "__all__" else name): messages
            for name, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


class LookupField(serializers.SlugRelatedField):
    """A related record by slug or code; malformed keys are refused before any query.

    PostgreSQL rejects text with NUL bytes outright, so without this check such a value
    would be a server error instead of a 400.
    """

    MAX_LENGTH = 200

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data or len(data) > self.MAX_LENGTH:
            self.fail("invalid")
        return super().to_internal_value(data)


class CuratorPermissions(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Reading is open; writing takes a staff account with the model's permission.

    An anonymous write gets 401 (token authentication asks for credentials); a signed-in
    client without the permission gets 403.
    """

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_staff) and super().has_permission(
            request, view
        )


STATUS_PARAMETER = OpenApiParameter(
    "status",
    str,
    enum=[*PublicationStatus.values, "all"],
    description="Curators only: list records of this status instead of published ones.",
)


class ApiResponsesMixin:
    """How every API response is finished: errors in JSON, CSV as a download, private caching.

    Responses vary on credentials, and a signed-in client's responses stay out of shared caches.
    """

    def is_csv(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return bool(renderer and renderer.format == "csv")

    @property
    def paginator(self):
        # A CSV export is the whole filtered list, not one page of it.
        return None if self.is_csv() else super().paginator

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400:
            # An error is always JSON, whatever format the client asked for.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        elif self.is_csv():
            name = self.queryset.model._meta.verbose_name_plural.replace(" ", "-")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        patch_vary_headers(response, ["Authorization", "Cookie"])
        if request.user and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        return response


class RememberedIds:
    """A filtered list's total and its ids, a page at a time (what a paginator slices), each
    remembered until content changes under the list's ``name`` and ``params``.

    ``records()`` builds the filtered queryset, validating the filters (an invalid value
    raises, and nothing is remembered); it is called only for what is not remembered, at most
    once.
    """

    def __init__(self, records, name: str, params: list):
        self.records, self.name, self.params = functools.cache(records), name, params

    def count(self) -> int:
        # The order of the rows changes neither the total nor which parameters are valid.
        unordered = [(name, values) for name, values in self.params if name != "ordering"]
        return until_content_changes(
            f"api-total.{self.name}.{digest(unordered)}", lambda: self.records().count()
        )

    def __getitem__(self, index: slice) -> list:
        return until_content_changes(
            f"api-ids.{self.name}.{digest(self.params)}.{index.start}.{index.stop}",
            lambda: list(self.records()[index].values_list("pk", flat=True)),
        )


class PublishedViewSet(ApiResponsesMixin, viewsets.ModelViewSet):
    """A viewset that shows the public what is published, and curators what they ask for.

    Anonymous clients and readers without the model's view permission see ``published()``
    only. Curators see any record by its slug, and may list another status with ``?status=``.
    Responses to signed-in clients are private: no shared cache may keep them.
    """

    lookup_field = "slug"
    permission_classes = [CuratorPermissions]
    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class:
            return self.detail_serializer_class
        return self.serializer_class

    def get_queryset(self):
        queryset = self.visible(self.queryset.model.objects.all())
        if self.remembers():  # what each record shows is loaded only where it is missing
            return queryset
        if self.action == "list":
            return queryset.for_list()
        if self.action == "retrieve":
            return queryset.for_detail()
        return queryset

    def remembers(self) -> bool:
        """Whether this read's records come from their remembered representations.

        Anonymous pages of a list and single records only, with the page cache on: what a
        record looks like to the public is the same for every anonymous client of a language
        and host until content changes. A CSV export, the whole list at once, is serialized
        as it is.
        """
        one_page = self.action == "list" and self.paginator is not None
        return (
            bool(settings.PAGE_CACHE_SECONDS)
            and not self.request.user.is_authenticated
            and (self.action == "retrieve" or one_page)
        )

    def represented(self, serializer_class, pks: list, load) -> list[dict]:
        """Each record's representation, remembered until content changes.

        Only records whose representation is missing are loaded (``load(pks)``, with all the
        serializer shows; its queryset is not even built otherwise) and serialized. Links in a
        representation are absolute, so the key holds the scheme and host.
        """
        context = self.get_serializer_context()
        origin = self.request.build_absolute_uri("/")
        return each_until_content_changes(
            f"api.{serializer_class.__qualname__}.{origin}",
            pks,
            # Plain dicts: the serializer's own keeps it, and so the request, alive.
            lambda missing: {
                obj.pk: dict(serializer_class(obj, context=context).data)
                for obj in load(missing).values()
            },
        )

    def list(self, request, *args, **kwargs):
        if not self.remembers():
            return super().list(request, *args, **kwargs)
        # The page is chosen by id alone, the filters validated and applied only for what is
        # not remembered, and the rows behind it loaded only where their representation is
        # missing. ``status`` decides what may be listed at all.
        params = [*self.filter_params(), ("status", request.query_params.getlist("status"))]
        ids = RememberedIds(
            lambda: self.filter_queryset(self.get_queryset()), type(self).__name__, params
        )
        page = self.paginate_queryset(ids)
        model = self.queryset.model
        data = self.represented(
            self.get_serializer_class(), page, lambda pks: model.objects.for_list().in_bulk(pks)
        )
        return self.get_paginated_response(data)

    def filter_params(self):
        """The query parameters the endpoint's FilterSet reads, as sent, in a stable order."""
        filters = getattr(self, "filterset_class", None)
        return sent_parameters(self.request.query_params, filters.base_filters if filters else [])

    def retrieve(self, request, *args, **kwargs):
        if not self.remembers():
            return super().retrieve(request, *args, **kwargs)
        # Found and allowed, or 404 (not remembered): the same for every anonymous client
        # sending the same parameters, until content changes.
        model = self.queryset.model
        pk = until_content_changes(
            f"api-record.{model._meta.label_lower}.{digest((self.kwargs, self.filter_params()))}",
            lambda: self.get_object().pk,
        )
        found = self.represented(
            self.get_serializer_class(),
            [pk],
            lambda pks: model.objects.for_detail().in_bulk(pks),
        )
        if not found:  # deleted since it was found
            raise exceptions.NotFound
        return Response(found[0])

    def written(self, obj, status_code):
        """After a write, the record as a detail read shows it (counts and nested parts)."""
        fresh = self.queryset.model.objects.for_detail().get(pk=obj.pk)
        serializer = (self.detail_serializer_class or self.serializer_class)(
            fresh, context=self.get_serializer_context()
        )
        return Response(serializer.data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self.written(serializer.save(), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self.written(serializer.save(), status.HTTP_200_OK)

    def is_curator(self) -> bool:
        return sees_drafts(self.request.user, self.queryset.model)

    def visible(self, queryset):
        requested = self.request.query_params.get("status")
        if not self.is_curator():
            if requested not in (None, "", PublicationStatus.PUBLISHED):
                raise exceptions.PermissionDenied(
                    _("Only curators can list records that are not published.")
                )
            return queryset.published()
        if self.action != "list":
            return queryset
        if requested in (None, "", PublicationStatus.PUBLISHED):
            return queryset.published()
        if requested == "all":
            return queryset
        if requested not in PublicationStatus.values:
            raise exceptions.ValidationError(
                {"status": [_("Choose published, draft, archived or all.")]}
            )
        return queryset.filter(status=requested)


def error_responses(result, generator, request, public):
    """Schema post-processing: document the JSON error body on every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "errors": {
                "type": "object",
                "description": "Messages by field or query parameter; nested fields (such as "
                "the members of a consortium) give their errors by position and field.",
                "additionalProperties": {
                    "oneOf": [
                        {"type": "array", "items": {"type": "string"}},
                        {"type": "object"},
                    ]
                },
            },
        },
        "required": ["detail"],
    }
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    reasons = {
        "400": "Invalid input or query parameter.",
        "401": "Authentication is needed to write.",
        "403": "Not allowed.",
        "404": "Not found.",
        "405": "Method not allowed.",
        "406": "Cannot answer in the requested format.",
        "415": "Unsupported request body type.",
        "429": "Too many requests; retry after the Retry-After header's seconds.",
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in reasons.items():
                responses.setdefault(code, {"description": description, **body})
    return result
