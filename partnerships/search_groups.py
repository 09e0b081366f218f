"""Groups of records that apps above this one add to the portal's search.

The search page lives here, below the apps whose records it may show; an app above adds its
group from its ``AppConfig.ready()``. This module imports no model, so an app config can
import it before the models are ready.
"""

from collections.abc import Callable

from django.db.models import QuerySet

# key -> (heading, URL name of the list that shows every match, the published records)
ADDED: dict[str, tuple[str, str, Callable[[], QuerySet]]] = {}


def search_group_add(key: str, label: str, list_url: str, records: Callable[[], QuerySet]):
    """Search another kind of record: ``records()`` gives its published ones, with what each
    result shows (their template is ``partnerships/includes/search_record.html``)."""
    ADDED[key] = (label, list_url, records)
