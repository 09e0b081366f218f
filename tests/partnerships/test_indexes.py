"""Every filter of the lists and the API has an index to narrow on.

Whether PostgreSQL picks it depends on the data: the benchmark (tests/perf/bench/) reports
the plans it really chooses at factor 100.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from figures.charts import members_by_type
from partnerships.filters import DocumentFilter, OrganisationFilter, PartnershipFilter
from partnerships.models import Organisation, Partnership
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

# Each filter, the table it narrows, and the column (or expression index) that serves it.
CASES = [
    (PartnershipFilter, {"kind": "regional"}, "partnerships_partnership", "kind"),
    (PartnershipFilter, {"scope": "macro-regional"}, "partnerships_partnership", "scope"),
    (PartnershipFilter, {"year": "2023"}, "partnerships_partnership", "launched_on"),
    (PartnershipFilter, {"year_from": "2022"}, "partnerships_partnership", "launched_on"),
    (PartnershipFilter, {"ecosystem": "digital"}, "partnerships_partnership", "ecosystem_id"),
    (
        PartnershipFilter,
        {"ecosystem": "digital"},
        "partnerships_partnership_linked_ecosystems",
        "ecosystem_id",
    ),
    (PartnershipFilter, {"country": "IT"}, "partnerships_partnership_countries", "country_id"),
    (PartnershipFilter, {"q": "skills"}, "partnerships_partnership", "search_vector"),
    (OrganisationFilter, {"country": "DE"}, "partnerships_organisation", "country_id"),
    (OrganisationFilter, {"type": "sme"}, "partnerships_organisation", "type"),
    (OrganisationFilter, {"q": "inst"}, "partnerships_organisation", "search_vector"),
    (DocumentFilter, {"language": "fr"}, "partnerships_documentfile", "language"),
    (DocumentFilter, {"kind": "agreement"}, "partnerships_document", "kind"),
    (DocumentFilter, {"year": "2024"}, "partnerships_document", "document_listing_idx"),
    (DocumentFilter, {"ecosystem": "digital"}, "partnerships_document", "ecosystem_id"),
    (DocumentFilter, {"q": "agreement"}, "partnerships_document", "search_vector"),
]


@pytest.mark.parametrize(
    ("filterset", "params", "table", "served_by"),
    CASES,
    ids=[f"{case[2]}-{case[1]}" for case in CASES],
)
def test_every_filter_has_an_index(filterset, params, table, served_by):
    filtered = filterset(params, queryset=filterset._meta.model.objects.published())
    assert filtered.is_valid(), filtered.errors
    sql = str(filtered.qs.query)
    with connection.cursor() as cursor:
        indexes = {
            name: spec
            for name, spec in connection.introspection.get_constraints(cursor, table).items()
            if spec["index"]
        }

    if served_by in indexes:  # an expression index, named
        assert "issued_on" in sql
    else:
        assert f'"{table}"."{served_by}"' in sql or f'U0."{served_by}"' in sql, sql
        # The filtered column leads an index, so the index can narrow on it alone.
        assert any(spec["columns"][:1] == [served_by] for spec in indexes.values()), indexes


def test_the_directory_reads_its_order_from_an_index():
    OrganisationFactory.create_batch(3)
    page = OrganisationFilter({"ordering": "name"}, queryset=Organisation.objects.published())
    with transaction.atomic(), connection.cursor() as cursor:
        # Priced out: every way of getting the rows in order other than reading an index.
        for method in ("seqscan", "bitmapscan", "sort"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        plan = page.qs[:20].explain()
    assert "organisation_listing_idx" in plan and "Sort" not in plan, plan


def test_the_country_filter_finds_members_partnerships_without_reading_memberships():
    MembershipFactory.create_batch(3)
    by_country = Partnership.objects.published().in_country("IT")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = by_country.explain()
    # A country's partnerships with members there, read from the presences alone.
    assert "partnerships_presence" in plan, plan
    assert "partnerships_membership" not in plan, plan


def test_the_members_by_type_chart_reads_the_organisations_from_an_index_alone():
    """An ecosystem's chart counts some 20,000 members at factor 100: their types from the
    index, not from every organisation's row."""
    MembershipFactory.create_batch(3)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        with CaptureQueriesContext(connection) as counted:
            rows = members_by_type(Partnership.objects.published())
        cursor.execute("EXPLAIN " + counted[0]["sql"])
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert sum(n for _code, _label, n in rows) == 3
    assert "Index Only Scan using organisation_counted_idx" in plan, plan
