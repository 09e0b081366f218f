"""Filters every browsable model's FilterSet shares: text search and sorting."""

import django_filters
from django.db.models import F
from django.forms.utils import pretty_name
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

# Longer text is refused with a form error rather than searched: nobody types more, and it
# keeps hostile input away from the database.
MAX_QUERY_LENGTH = 200


class TextSearchFilter(django_filters.CharFilter):
    """``q``: the model's own ranked text search (``QuerySet.search()``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("max_length", MAX_QUERY_LENGTH)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        return qs.search(value) if value else qs


class OrderingFilter(django_filters.OrderingFilter):
    """Sorting in which unknown values come last either way, and ties break by id.

    A list sorted newest first should not open with the records whose date nobody knows, and
    pages of a sorted list must not overlap, so the primary key settles equal values.
    """

    def build_choices(self, fields, labels):
        # The choices are built once, with the FilterSet class; django-filter's own would fix
        # "… (descending)" in whatever language the first request had. Lazy labels follow each
        # request's language.
        descending = lazy(lambda label: self.descending_fmt % label, str)
        choices = []
        for field, param in fields.items():
            label = labels.get(field, pretty_name(param))
            choices += [(param, label), (f"-{param}", descending(label))]
        return choices

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = F(self.param_map.get(param.lstrip("-"), param.lstrip("-")))
        return field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)

    def filter(self, qs, value):
        # "ordering=," arrives as empty names; they ask for nothing.
        params = [param for param in value or [] if param]
        if not params:
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in params], "pk")
