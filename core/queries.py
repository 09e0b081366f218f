"""Several questions asked of the database in one round trip.

A page that shows many small things (an ecosystem's figures, its lists of partnerships and
documents) pays a round trip for each however small it is, and its first view after a change
asks every one of them: these helpers ask them together.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, TextField, Value, Window
from django.db.models.functions import Cast, Concat, RowNumber
from django.db.models.sql.datastructures import Join


def sql_of(queryset, using: str) -> tuple[str, tuple] | None:
    """The SQL and parameters of ``queryset`` on ``using``, or None for a condition nothing
    meets (such as ``pk__in=[]``), which Django refuses to write as SQL."""
    try:
        return queryset.query.get_compiler(using=using).as_sql()
    except EmptyResultSet:
        return None


def counts(**querysets) -> dict[str, int]:
    """How many rows each of ``querysets`` has, in one query: a scalar subquery each, on the
    first queryset's database."""
    if not querysets:
        return {}
    using = next(iter(querysets.values())).db
    selects, params = [], []
    for queryset in querysets.values():
        compiled = sql_of(queryset.order_by().values("pk"), using)
        if compiled is None:
            selects.append("0")
            continue
        selects.append(f"(SELECT COUNT(*) FROM ({compiled[0]}) AS counted)")
        params.extend(compiled[1])
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        row = cursor.fetchone()
    return dict(zip(querysets, row, strict=True))


def first_pks(**lists) -> dict[str, list]:
    """The primary keys of the first rows of each list, given as ``(queryset, limit)``: the
    ``limit`` first of ``queryset`` in its own order (``order_by()`` or its model's), all in
    one query.

    The querysets may be of different models. Each part numbers its rows in its own order and
    the union is ordered by part and number, since a ``UNION ALL`` promises no order of its
    own.
    """
    parts = [
        queryset.annotate(
            part=Value(index),
            position=Window(
                RowNumber(), order_by=list(queryset.query.order_by or queryset.model._meta.ordering)
            ),
        )
        .order_by("position")
        .values_list("part", "position", "pk")[:limit]
        for index, (queryset, limit) in enumerate(lists.values())
    ]
    if not parts:
        return {}
    names = list(lists)
    first = {name: [] for name in names}
    for part, _position, pk in sliced_union(parts, "part", "position"):
        first[names[part]].append(pk)
    return first


def rows_once(queryset):
    """``queryset``'s rows, each once and with nothing but its own columns.

    A query of one table without annotations, grouping or DISTINCT is that already, and is
    counted as it is; any other (a join that repeats rows, search ranks) is read through its
    primary keys, at the cost of reading the table a second time.
    """
    query = queryset.query
    # Joins a filter set up and then found it could do without stay in the map, unreferenced.
    joined = [alias for alias, table in query.alias_map.items() if isinstance(table, Join)]
    if (
        not any(query.alias_refcount[alias] for alias in joined)
        and not query.annotations
        and not query.distinct
        and not query.group_by
        and not query.combinator
    ):
        return queryset.order_by()
    return queryset.model.objects.filter(pk__in=queryset.order_by().values("pk"))


def value_counts(**facets) -> dict[str, dict[str, int]]:
    """For each facet, how many rows have each value, all facets in one query.

    A facet is a list of ``(queryset, field)`` whose rows are counted together (the
    partnerships of an ecosystem and those linked to it). Each row of a queryset is counted
    once (``rows_once()``). Values are compared and returned as text; a row without one is
    left out.
    """
    parts = [
        rows_once(queryset)
        .exclude(**{f"{field}__isnull": True})
        # One column, the facet's number before the value: the parts of a union match by
        # position, and a model's manager may order a values_list's columns its own way.
        .annotate(
            counted=Concat(
                Value(f"{index}:"), Cast(F(field), TextField()), output_field=TextField()
            )
        )
        .order_by()
        .values_list("counted")
        for index, pairs in enumerate(facets.values())
        for queryset, field in pairs
    ]
    counted = {name: {} for name in facets}
    selects, params = [], []
    for compiled in filter(None, (sql_of(part, part.db) for part in parts)):
        selects.append(compiled[0])
        params.extend(compiled[1])
    if not selects:
        return counted
    names = list(facets)
    with connections[parts[0].db].cursor() as cursor:
        cursor.execute(
            "SELECT counted, COUNT(*) FROM ("
            + " UNION ALL ".join(selects)
            + ") AS counted_rows GROUP BY counted",
            params,
        )
        for found, n in cursor.fetchall():
            index, value = found.split(":", 1)
            counted[names[int(index)]][value] = n
    return counted


def sliced_union(parts: list, *ordering: str) -> list:
    """The rows of ``parts``, querysets each ordered and sliced alone, in one ``UNION ALL``
    ordered by ``ordering`` (a union promises no order of its own).

    One part needs no union; SQLite (the quick start) slices no part of one: a query each,
    in the parts' order, which ``ordering`` must then agree with.
    """
    if not parts:
        return []
    if (
        len(parts) == 1
        or not connections[parts[0].db].features.supports_slicing_ordering_in_compound
    ):
        return [row for part in parts for row in part]
    return list(parts[0].union(*parts[1:], all=True).order_by(*ordering))
