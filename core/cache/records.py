"""Records drawn once per content change: list items, record pages and API representations."""

import hashlib

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from .remembered import each_until_content_changes, until_content_changes


def digest(value) -> str:
    """A short, stable key part for ``value`` (strings, numbers and their lists and tuples)."""
    return hashlib.sha256(repr(value).encode()).hexdigest()


def sent_parameters(query, names) -> list[tuple[str, list[str]]]:
    """The parameters of ``query`` (a QueryDict) among ``names``, as sent, in a stable order:
    what a list's remembered values are keyed on, whatever else the address holds."""
    return sorted((name, query.getlist(name)) for name in set(names) if name in query)


def ids_until_content_changes(queryset) -> list:
    """The primary keys ``queryset`` selects, in its order, once per content change.

    Keyed on the query itself (its SQL and parameters), so two lists share an entry exactly
    when they ask the same question; a page of a filtered list then costs no query until
    content changes.
    """
    ids = queryset.values_list("pk", flat=True)
    if not settings.PAGE_CACHE_SECONDS:
        return list(ids)
    try:
        sql, params = ids.query.sql_with_params()
    except EmptyResultSet:  # a filter no row can pass, such as an empty list of ids
        return []
    return until_content_changes(
        f"ids.{queryset.model._meta.label_lower}.{digest((sql, params))}", lambda: list(ids)
    )


def record_html_until_content_changes(name: str, pk, draw) -> str:
    """``draw()``, the HTML of one record's page body, remembered under ``name`` and the
    record's ``pk`` until content changes (with the page cache on).

    For a record page whose body is the same for every reader of a language: the view finds
    the record, and only a body not remembered loads everything it shows.
    """
    if not settings.PAGE_CACHE_SECONDS:
        return mark_safe(draw())
    [html] = each_until_content_changes(name, [pk], lambda missing: {pk: draw()})
    # Rendered, and so escaped, by our own template.
    return mark_safe(html)


class RecordIds(list):
    """The ids of the ``model`` records a page lists, in order, and how to load those whose
    fragment is missing (``load(ids)``, as ``in_bulk()`` returns them; by default through the
    model's ``for_list()``): all a list of remembered fragments needs of its records. The
    loading queryset is built only if a fragment is missing."""

    def __init__(self, model, ids, load=None):
        super().__init__(ids)
        self.model = model
        self.load = load or (lambda missing: model.objects.for_list().in_bulk(missing))


def rendered_until_content_changes(template_name: str, items, name: str, **extra) -> list[str]:
    """``template_name`` rendered for each of ``items`` (as ``name``, with ``extra``), each
    remembered until the next content change (with the page cache on).

    For the records a page lists: a partnership or a document looks the same wherever it is
    listed, so its fragment is drawn once and then fetched, with all the others a page shows,
    in one round trip. Given a queryset, only the ids of its records are read, and records
    whose fragment is missing are then loaded with everything their fragment shows, through
    their model's ``for_list()``; given ``RecordIds``, no query is needed for the ids, and
    missing records come from its ``load``. The fragment sees nothing but its record, so it
    cannot depend on who asks; the generation and the language in its key retire or separate
    it as for ``until_content_changes``.
    """
    template = get_template(template_name)
    if not settings.PAGE_CACHE_SECONDS:
        return [template.render({name: item, **extra}) for item in items]
    if isinstance(items, QuerySet):
        items = RecordIds(items.model, ids_until_content_changes(items))
    if isinstance(items, RecordIds):
        model, load, records, pks = items.model, items.load, {}, list(items)
    else:  # the records themselves: nothing to load
        records = {item.pk: item for item in items}
        model, load, pks = (type(items[0]) if records else None), None, list(records)
    if not pks:
        return []

    def draw(missing):
        if unloaded := [pk for pk in missing if pk not in records]:
            records.update(load(unloaded))
        return {
            pk: str(template.render({name: records[pk], **extra}))
            for pk in missing
            if pk in records
        }

    variant = digest(sorted(extra.items()))[:16]
    fragments = each_until_content_changes(
        f"{template_name}.{variant}.{model._meta.label_lower}", pks, draw
    )
    # Each fragment was rendered, and so escaped, by our own template.
    return [mark_safe(html) for html in fragments]
