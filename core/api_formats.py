"""Output formats of the API: pagination and CSV.

Kept apart from ``core.api`` because REST framework imports the classes named in its
settings while its own views module loads, and that module imports those views.
"""

import csv
import io

from django.utils.translation import gettext as _
from rest_framework import renderers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 100


class Pagination(PageNumberPagination):
    """Pages of 20 by default; ``page_size`` from 1 to 100 and ``page`` from 1, anything else
    is a 400 (a page past the last one is a 404). Empty, either is the default."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    last_page_strings = ()  # a page is a number, as the schema says

    def check(self, request):
        """Refuse paging values the API cannot use, even where it does not page (a CSV export
        is the whole list): the same request is valid or not whatever its format."""
        errors = {}
        size = request.query_params.get(self.page_size_query_param)
        if size and not (size.isdigit() and 1 <= int(size) <= self.max_page_size):
            errors[self.page_size_query_param] = [_("Enter a whole number from 1 to 100.")]
        page = request.query_params.get(self.page_query_param)
        if page and not (page.isdigit() and int(page) >= 1):
            errors[self.page_query_param] = [_("Enter a whole number from 1.")]
        if errors:
            raise ValidationError(errors)

    def paginate_queryset(self, queryset, request, view=None):
        self.check(request)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


class CSVRenderer(renderers.BaseRenderer):
    """A list as CSV: one row per record, nested values flattened into readable columns.

    Related records become their slug (or ISO code); lists are joined with ``;``.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = data if isinstance(data, list) else data.get("results", [data])
        flat = [dict(_flatten(row)) for row in rows]
        columns = list(dict.fromkeys(key for row in flat for key in row))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(flat)
        return out.getvalue().encode(self.charset)


def _identifier(value):
    """A related record by the key people know it by: slug, ISO code or language code."""
    if isinstance(value, dict):
        for key in ("slug", "code", "language"):
            if key in value:
                return value[key]
    return value


def _flatten(value, prefix=""):
    if isinstance(value, dict) and not (prefix and _identifier(value) is not value):
        for key, inner in value.items():
            yield from _flatten(inner, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        yield prefix, ";".join(str(_identifier(item)) for item in value)
    else:
        value = _identifier(value)
        yield prefix, "" if value is None else _inert(value)


# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value):
    """Text a spreadsheet shows as text: a leading apostrophe keeps a formula from running."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
