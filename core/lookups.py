"""Lookups on text columns that know PostgreSQL text never holds a NUL character.

PostgreSQL refuses a query whose text holds NUL outright, so a slug, code or language
taken from an address, a query string or a form (``/api/v1/partnerships/%00/``,
``?ecosystem=%00``, ``add=%00``) would be a server error wherever it reaches a lookup. No
stored value can hold one either, so the true answer is "nothing matches": these lookups say
so without asking the database, the way an empty ``__in`` does, and each view answers as it
does for any other unknown slug (a 404, or its own "not found" message).

Registered on ``CharField`` and ``TextField`` (so on slugs, codes, URLs and translated
columns too) by ``CoreConfig.ready()``, before any query runs. Writes are not
affected: fields and serializers refuse NUL with a message naming the field.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import CharField, TextField, lookups


def _holds_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value


class MatchesNothingWithNul:
    """A comparison with a value holding NUL matches no row, and sends nothing to the server."""

    def as_sql(self, compiler, connection):
        if self.rhs_is_direct_value() and _holds_nul(self.rhs):
            raise EmptyResultSet
        return super().as_sql(compiler, connection)


class In(lookups.In):
    """``__in``: values holding NUL match nothing, so they are left out (none left: no rows)."""

    def get_prep_lookup(self):
        prepared = super().get_prep_lookup()
        if isinstance(prepared, list | tuple):
            return [value for value in prepared if not _holds_nul(value)]
        return prepared


COMPARISONS = [
    lookups.Exact,
    lookups.IExact,
    lookups.Contains,
    lookups.IContains,
    lookups.StartsWith,
    lookups.IStartsWith,
    lookups.EndsWith,
    lookups.IEndsWith,
]


# One class per comparison, each a name of this module so that a query holding it can be
# pickled (into the cache, with a remembered value).
NUL_SAFE = []
for _lookup in COMPARISONS:
    _name = f"NulSafe{_lookup.__name__}"
    globals()[_name] = type(_name, (MatchesNothingWithNul, _lookup), {"__module__": __name__})
    NUL_SAFE.append(globals()[_name])


def register():
    for field in (CharField, TextField):
        for lookup in NUL_SAFE:
            field.register_lookup(lookup)
        field.register_lookup(In)
