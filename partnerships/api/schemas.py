"""The rules that join a document's fields, for its OpenAPI schema (``WholeRecordSchema``).

drf-spectacular finds an extension by the serializer it names once this module is imported:
``partnerships.api.views`` imports it.
"""

from core.api_writes import WholeRecordSchema, doubt_needs_a_reason

from .serializers import DocumentLinkSerializer, DocumentSerializer


class DocumentSchema(WholeRecordSchema):
    """A document its sources do not confirm says why (``core.models.Attested``)."""

    target_class = DocumentSerializer
    also = [doubt_needs_a_reason()]


class DocumentLinkSchema(WholeRecordSchema):
    """A web page has no size of its own: only a PDF's link gives one."""

    target_class = DocumentLinkSerializer
    combine = "anyOf"
    rules = [
        {"properties": {"file_format": {"pattern": "^pdf$"}}},
        {"properties": {"size_bytes": {"not": {"type": "integer"}}}},
    ]
