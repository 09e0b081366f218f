"""Records drawn once per content change: the one primitive behind list items on pages and
records in the API.

A partnership looks the same wherever it is listed, and as the API shows it to every anonymous
client: its drawing (an HTML fragment, or a JSON representation) is made once, then fetched
with all the others a page shows in one round trip. Only records whose drawing is missing are
loaded, with everything it shows. The drawing sees nothing but its record, so it cannot depend
on who asks; the generation and the language in its key retire or separate it.
"""

from django.core.cache import cache
from django.db.models import QuerySet
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..queries import first_pks
from .generations import cache_seconds, generation
from .local import local
from .remembered import digest


class RecordIds(list):
    """The ids of the ``model`` records to draw, in order, and how to load those whose drawing
    is missing (``load(ids)``, as ``in_bulk()`` returns them; by default through the model's
    ``for_list()``). The loading queryset is built only if a drawing is missing."""

    def __init__(self, model, ids, load=None):
        super().__init__(ids)
        self.model = model
        self.load = load or (lambda missing: model.objects.for_list().in_bulk(missing))


def first_records(**lists) -> dict[str, RecordIds]:
    """The first records of each list to draw, given as ``(queryset, limit)``, their ids read
    in one query (``core.queries.first_pks()``).

    Records of one model are loaded together for all its lists: the first list with a
    drawing missing loads every list's records of that model, a few rows more in the same
    queries rather than the same queries again for the next list.
    """
    pks = first_pks(**lists)
    models = {name: queryset.model for name, (queryset, _limit) in lists.items()}
    loads = {
        model: loaded_together(
            model, [pk for name, of in models.items() if of is model for pk in pks[name]]
        )
        for model in set(models.values())
    }
    return {name: RecordIds(model, pks[name], loads[model]) for name, model in models.items()}


def loaded_together(model, ids: list, queryset=None):
    """A ``RecordIds`` loader that loads all of ``ids`` (through ``queryset``, by default the
    model's ``for_list()``, built then) the first time any is missing, and answers from those
    records after."""
    loaded = None

    def load(missing):
        nonlocal loaded
        if loaded is None:
            loading = model.objects.for_list() if queryset is None else queryset
            loaded = loading.in_bulk(ids)
        return {pk: loaded[pk] for pk in missing if pk in loaded}

    return load


def drawn(name: str, records: RecordIds, draw) -> list:
    """The drawing of each of ``records`` under ``name``, in order; ``draw(record)`` makes one.

    A record that can no longer be loaded (deleted since its id was read) is left out.
    """
    by_id = drawn_by_id(name, records, draw)
    return [by_id[pk] for pk in records if pk in by_id]


def drawn_by_id(name: str, records: RecordIds, draw) -> dict:
    """``drawn()``'s drawings by record id."""
    if not cache_seconds():
        loaded = records.load(list(records))
        return {pk: draw(loaded[pk]) for pk in records if pk in loaded}
    prefix = f"drawn.{generation()}.{get_language()}.{name}"
    keys = {pk: f"{prefix}.{pk}" for pk in records}
    found = {key: value for key in keys.values() if (value := local.get(key)) is not None}
    if fetch := [key for key in keys.values() if key not in found]:
        for key, value in cache.get_many(fetch).items():
            found[key] = value
            local.set(key, value)
    if missing := [pk for pk in records if keys[pk] not in found]:
        loaded = records.load(missing)
        made = {keys[pk]: draw(loaded[pk]) for pk in missing if pk in loaded}
        for key, value in made.items():
            local.set(key, value)
        found.update(made)
        cache.set_many(made, cache_seconds())
    return {pk: found[keys[pk]] for pk in records if keys[pk] in found}


def as_record_ids(items) -> RecordIds:
    """``items`` as ids to draw: a queryset gives the ids it selects (its records are loaded
    through their model's ``for_list()``, only where a drawing is missing); records already
    loaded are used as they are."""
    if isinstance(items, RecordIds):
        return items
    if isinstance(items, QuerySet):
        return RecordIds(items.model, list(items.values_list("pk", flat=True)))
    records = {item.pk: item for item in items}
    model = type(next(iter(records.values()))) if records else None
    return RecordIds(model, list(records), lambda missing: {pk: records[pk] for pk in missing})


def rendered_records(template_name: str, items, name: str, **extra) -> list[str]:
    """``template_name`` rendered for each of ``items`` (as ``name``, with ``extra``)."""
    return [html for html, _beside in rendered_beside(template_name, items, name, {}, **extra)]


def rendered_beside(
    template_name: str, items, name: str, beside, **extra
) -> list[tuple[str, object]]:
    """Each of ``items``' fragments (``rendered_records()``) with what ``beside`` holds for its
    record's id, or None: what depends on the request and so cannot be drawn with the record,
    such as a search's snippet of a document's text. ``beside`` is a dict by id, or a callable
    that makes one from the ids, once they are read."""
    records = as_record_ids(items)
    if not records:
        return []
    if callable(beside):
        beside = beside(list(records))
    template = get_template(template_name)
    variant = digest(sorted(extra.items()))[:16]
    fragments = drawn_by_id(
        f"{template_name}.{variant}.{records.model._meta.label_lower}",
        records,
        lambda record: str(template.render({name: record, **extra})),
    )
    # Each fragment was rendered, and so escaped, by our own template.
    return [(mark_safe(fragments[pk]), beside.get(pk)) for pk in records if pk in fragments]
