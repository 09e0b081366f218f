"""Remembered aggregates every filtered list shares: its total and its facet counts.

Keyed on the list and the values its form validated, so two addresses asking the same
question (in any order, with anything else beside) share them until content changes.
"""

from .cache import digest, remembered


def filtered_count(filters_key: tuple, queryset) -> int:
    """How many rows the list's filters leave."""
    return remembered(f"total.{digest(filters_key)}", queryset.count, translated=False)


def facet_counts(filters_key: tuple, count) -> dict[str, dict]:
    """``count()``: each facet's counts for those filters, by value (the labels are the
    page's, in its language)."""
    return remembered(f"facets.{digest(filters_key)}", count, translated=False)
