"""What every API endpoint shares: errors, permissions and visibility."""

import re
from collections import Counter

from django.apps import apps
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.cache import RecordIds, drawn
from core.curation import must_be_reviewed
from core.models import PublicationStatus, sees_drafts


class Conflict(exceptions.APIException):
    """409: the request clashes with the records as they are; ``errors`` name the fields."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("The change conflicts with the record as it is.")
    default_code = "conflict"

    def __init__(self, detail=None, errors=None):
        super().__init__(detail)
        self.errors = errors


class ContentTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "too_large"


def exception_handler(exc, context):
    """Every error is JSON with a ``detail`` message; invalid input also lists ``errors``.

    Validation errors name each field or query parameter with its messages, so a client can
    show them next to what it sent. What the database refuses is the client's to fix too: a
    delete that other records still point at is a 409 naming them, a value a unique
    constraint already holds a 400 naming the field. A body too large to read is a 413.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_drf_errors(exc))
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = Conflict(still_used(exc, context["view"]))
    elif isinstance(exc, IntegrityError) and (errors := unique_violation(exc)):
        exc = exceptions.ValidationError(errors)
    # Bodies past the limits Django reads (DATA_UPLOAD_*): the client's doing, a 4xx logged as
    # a warning like any other, not the security error Django would log.
    elif isinstance(exc, RequestDataTooBig):
        exc = ContentTooLarge()
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(_("The request has too many fields or files."))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        errors = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {"detail": _("Invalid input."), "errors": errors}
    if response is not None and isinstance(exc, Conflict) and exc.errors:
        response.data["errors"] = exc.errors
    return response


def as_drf_errors(error: DjangoValidationError) -> dict | list:
    """A model's ValidationError in the shape DRF reports, keyed by field."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if name == "__all__" else name): messages
            for name, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def still_used(error: ProtectedError | RestrictedError, view) -> str:
    """Why a record cannot be deleted: how many records of each kind still point at it."""
    users = (
        error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    )
    counts = Counter(type(obj) for obj in users)
    return _("This %(record)s cannot be deleted: it is used by %(users)s.") % {
        "record": view.queryset.model._meta.verbose_name,
        "users": ", ".join(
            f"{n} {m._meta.verbose_name if n == 1 else m._meta.verbose_name_plural}"
            for m, n in counts.items()
        ),
    }


# PostgreSQL's detail of a unique violation: 'Key (name_en)=(Tourism) already exists.'
UNIQUE_KEY = re.compile(r"Key \((?P<columns>.+?)\)=")


def unique_violation(error: IntegrityError) -> dict | None:
    """The messages of the unique constraint ``error`` broke, keyed by field; None if it broke
    something else (a foreign key, a NOT NULL: the portal's own fault, left a server error).

    The message is the constraint's ``violation_error_message`` (or the field's own for
    ``unique=True``); a translated column is named by its field (``name_en`` as ``name``).
    """
    diag = getattr(error.__cause__, "diag", None)
    if getattr(error.__cause__, "sqlstate", None) != "23505" or diag is None:
        return None
    model = next((m for m in apps.get_models() if m._meta.db_table == diag.table_name), None)
    if model is None:
        return None
    by_column = {f.column: f for f in model._meta.concrete_fields}
    key = UNIQUE_KEY.match(diag.message_detail or "")
    fields = [by_column.get(c) for c in key["columns"].split(", ")] if key else [None]
    constraint = next((c for c in model._meta.constraints if c.name == diag.constraint_name), None)
    if constraint is not None:
        message = constraint.get_violation_error_message()
    elif len(fields) == 1 and fields[0] is not None:
        message = fields[0].error_messages["unique"] % {
            "model_name": capfirst(model._meta.verbose_name),
            "field_label": fields[0].verbose_name,
        }
    else:
        message = _("A record with these values already exists.")
    if len(fields) != 1 or fields[0] is None:
        return {"non_field_errors": [message]}
    field = getattr(fields[0], "translated_field", fields[0])
    return {field.name: [message]}


class LookupField(serializers.SlugRelatedField):
    """A related record by slug or code; malformed keys are refused before any query.

    PostgreSQL rejects text with NUL bytes outright, so without this check such a value
    would be a server error instead of a 400.
    """

    MAX_LENGTH = 200

    def run_validation(self, data=serializers.empty):
        # JSON has null for "none"; REST framework would read "" as null too.
        if data == "":
            self.fail("invalid")
        return super().run_validation(data)

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


# Permissions under which anyone may read: drf-spectacular itself knows only the first two.
ANONYMOUS_READS = (
    permissions.AllowAny,
    permissions.IsAuthenticatedOrReadOnly,
    permissions.DjangoModelPermissionsOrAnonReadOnly,  # and so CuratorPermissions
)


# What REST framework's text fields take: no NUL character (PostgreSQL cannot store one) and,
# unless blank is allowed, something besides the white space it strips (Python's isspace()).
_SPACE = (
    r"\t\n\u000b\u000c\r\u001c-\u001f \u0085\u00a0\u1680"
    r"\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
TEXT = r"^[^\u0000]*$"
TEXT_NOT_BLANK = rf"^[^\u0000]*[^{_SPACE}\u0000][^\u0000]*$"


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, saying what the API enforces where drf-spectacular does not.

    A read that needs no token lists the empty security requirement (``{}``) beside the token,
    so generated clients and fuzzers call it without credentials; writes keep the token alone.
    A list in a request body says how many items it may hold; text says what it may hold.
    """

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if schema and direction == "request" and type(field) is serializers.CharField:
            self._describe_text(field, schema)
        # drf-spectacular leaves out how many items a list may hold.
        if schema and schema.get("type") == "array" and direction == "request":
            if getattr(field, "allow_empty", True) is False:
                schema.setdefault("minItems", 1)
            if getattr(field, "min_length", None) is not None:
                schema["minItems"] = max(schema.get("minItems", 0), field.min_length)
            if getattr(field, "max_length", None) is not None:
                schema["maxItems"] = field.max_length
        return schema

    @staticmethod
    def _describe_text(field, schema):
        """What text a field takes: its own pattern (a PIC's nine digits), else any text but NUL
        (and, unless blank is allowed, not white space alone). drf-spectacular leaves out a
        pattern when the field may also be blank, as it then offers two schemas."""
        text = schema["oneOf"][0] if "oneOf" in schema else schema  # [text, ""] when blank
        if text.get("type") != "string" or {"pattern", "format", "enum"} & set(text):
            return
        own = [v.regex.pattern for v in field.validators if type(v) is RegexValidator]
        if own:
            text["pattern"] = own[0].replace(r"\Z", "$").replace(r"\A", "^")
        else:
            text["pattern"] = TEXT if field.allow_blank else TEXT_NOT_BLANK

    def get_auth(self):
        auths = super().get_auth()
        open_to_all = all(isinstance(p, ANONYMOUS_READS) for p in self.view.get_permissions())
        if self.method in permissions.SAFE_METHODS and open_to_all and {} not in auths:
            auths.append({})
        return auths


STATUS_PARAMETER = OpenApiParameter(
    "status",
    str,
    enum=[*PublicationStatus.values, "all"],
    description="Curators only: list records of this status instead of published ones.",
)


class ApiResponsesMixin:
    """How every API response is finished: errors in JSON, CSV as a download, private caching.

    Responses vary on the token, and a signed-in client's responses stay out of shared caches.
    """

    def get_throttles(self):
        # REST framework reads DEFAULT_THROTTLE_CLASSES once, when APIView is defined; read
        # here, the setting can be changed afterwards too (as the API fuzzing tests do).
        return [throttle() for throttle in api_settings.DEFAULT_THROTTLE_CLASSES]

    def is_csv(self) -> bool:
        renderer = getattr(self.request, "accepted_renderer", None)
        return bool(renderer and renderer.format == "csv")

    @property
    def paginator(self):
        # A CSV export is the whole filtered list, not one page of it.
        return None if self.is_csv() else super().paginator

    def paginate_queryset(self, queryset):
        if self.is_csv() and self.pagination_class is not None:
            self.pagination_class().check(self.request)  # what a page would refuse, CSV does
        return super().paginate_queryset(queryset)

    # Each write in a transaction of its own: a write the database refuses (a value taken by a
    # unique constraint) is undone alone, and the request goes on to answer with a 400.
    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance):
        with transaction.atomic():
            instance.delete()

    def csv_filename(self) -> str:
        """The name of a CSV download, without ``.csv``: the records' plural by default."""
        return self.queryset.model._meta.verbose_name_plural.replace(" ", "-")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400:
            # An error is always JSON, whatever format the client asked for.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        elif self.is_csv():
            response["Content-Disposition"] = f'attachment; filename="{self.csv_filename()}.csv"'
        patch_vary_headers(response, ["Authorization"])
        if request.user and request.user.is_authenticated:
            # Signed in by a session or a token: this copy is the client's own.
            patch_vary_headers(response, ["Cookie"])
            patch_cache_control(response, private=True, no_cache=True)
        return response


def plain(representation):
    """``representation`` in JSON's own types, to be remembered.

    DRF's containers keep their serializer (and so the request), and its hyperlinks keep the
    record they point to with everything prefetched for it: remembered as they are, a
    partnership's representation pickled its members' records too.
    """
    if isinstance(representation, dict):
        return {key: plain(value) for key, value in representation.items()}
    if isinstance(representation, list):
        return [plain(value) for value in representation]
    if isinstance(representation, str):
        return str(representation)
    return representation


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
        if self.action == "list" and self.paginator is None:
            return queryset.for_list()  # a CSV export, serialized whole
        # A page of a list, or a record found by its slug: what each shows is loaded by id,
        # where its representation is not remembered (``represented()``).
        return queryset

    def represented(self, records: RecordIds) -> list[dict]:
        """Each record's representation, drawn once per content change.

        What a record looks like to the public is the same for every anonymous client of a
        language and host, so its representation is remembered (with the scheme and host in
        its name: links in it are absolute). Curators read records as they are.
        """
        serializer_class = self.get_serializer_class()
        # One serializer draws every record: building a serializer's fields costs more than
        # representing a record with them.
        serializer = serializer_class(context=self.get_serializer_context())

        def draw(record):
            return plain(serializer.to_representation(record))

        if self.request.user.is_authenticated:
            loaded = records.load(list(records))
            return [draw(loaded[pk]) for pk in records if pk in loaded]
        origin = self.request.build_absolute_uri("/")
        return drawn(f"api.{serializer_class.__qualname__}.{origin}", records, draw)

    def list(self, request, *args, **kwargs):
        if self.paginator is None:  # a CSV export: the whole filtered list at once
            return super().list(request, *args, **kwargs)
        # The page's ids alone: each record is loaded only where its representation is missing.
        queryset = self.filter_queryset(self.get_queryset()).values_list("pk", flat=True)
        page = self.paginator.paginate_queryset(queryset, request, view=self)
        model = self.queryset.model
        return self.get_paginated_response(
            self.beside(
                page, self.represented(RecordIds(model, page, model.objects.for_list().in_bulk))
            )
        )

    def beside(self, ids, representations):
        """A list page's representations with what depends on the request beside each record
        (a search's snippet), never remembered with it; ``ids`` are the page's. None here."""
        return representations

    def retrieve(self, request, *args, **kwargs):
        model = self.queryset.model
        found = self.represented(
            RecordIds(model, [self.get_object().pk], model.objects.for_detail().in_bulk)
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
        self.refuse_unreviewed(None, serializer)
        return self.written(serializer.save(), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.refuse_unreviewed(serializer.instance, serializer)
        return self.written(serializer.save(), status.HTTP_200_OK)

    def refuse_unreviewed(self, instance, serializer):
        """A member of a group that goes through review (``REVIEW_REQUIRED_GROUPS``) writes
        drafts only, as in the admin: anything else would reach the public unreviewed."""
        draft = PublicationStatus.DRAFT
        before = getattr(instance, "status", draft)
        after = serializer.validated_data.get("status", before)
        if (before != draft or after != draft) and must_be_reviewed(self.request.user):
            raise exceptions.PermissionDenied(
                _("Your records are published after a review: write drafts only.")
            )

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
        "409": "The record is still used by others, or the change conflicts with it as it is.",
        "413": "The request body is too large.",
        "415": "Unsupported request body type.",
        "429": "Too many requests; retry after the Retry-After header's seconds.",
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in reasons.items():
                responses.setdefault(code, {"description": description, **body})
    return result


def empty_query_values(result, generator, request, public):
    """Schema post-processing: an empty query parameter (``?kind=``, as an HTML form sends an
    empty choice) is the same as none, so every query parameter may be sent empty."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    parameter["allowEmptyValue"] = True
    return result
