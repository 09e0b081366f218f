"""The anonymous page cache: what it keeps, what it never keeps, and that changes show at once."""

import datetime
import io
import re
import threading
import time
import uuid

import pytest
import tablib
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy
from rest_framework.authtoken.models import Token

from core.cache import local, remembered, remembered_together
from core.models import PublicationStatus
from core.services import publication_set_status
from partnerships.models import DocumentFile, Partnership
from partnerships.resources import PartnershipResource
from tests.factories import (
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ecosystem,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

LIST = reverse_lazy("partnerships:list")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()


def get(url, **headers):
    return Client().get(url, **headers)


def test_a_second_anonymous_read_comes_from_the_cache():
    partnership = PartnershipFactory(name="Cached Partnership")
    first = get(LIST)
    # Changed behind the portal's back (no signal): only a cached page can still show it.
    Partnership.objects.filter(pk=partnership.pk).update(name="Renamed Quietly")
    second = get(LIST)

    assert first["X-Cache"] == "miss" and second["X-Cache"] == "hit"
    assert "Cached Partnership" in second.content.decode()
    assert "max-age=0" in second["Cache-Control"]


def publish(obj):
    publication_set_status(objects=[obj], status=PublicationStatus.PUBLISHED)


def edit(obj):
    obj.name = "Edited Name"
    obj.save()


def link_country(obj):
    obj.countries.add("MT")


@pytest.mark.parametrize(
    ("change", "expected"),
    [(publish, "Draft Becomes Public"), (edit, "Edited Name"), (link_country, "MT")],
)
def test_a_change_shows_on_the_next_anonymous_request(change, expected):
    partnership = PartnershipFactory(
        name="Draft Becomes Public", status=PublicationStatus.DRAFT, regional=True
    )
    if change is not publish:
        publish(partnership)
    get(LIST)  # cached
    change(partnership)
    response = get(LIST)
    assert response["X-Cache"] == "miss"
    assert expected in response.content.decode()


def test_an_upload_and_a_delete_show_at_once():
    document = DocumentFactory(title="Agreement")
    url = document.get_absolute_url()
    get(url)
    version = DocumentFile(document=document, language="it")
    version.file = pdf_upload()
    version.save()
    assert "Italian (" in get(url).content.decode()
    document.delete()
    assert get(url).status_code == 404


def test_a_published_document_is_among_the_latest_on_the_next_home_page():
    home = reverse("ecosystems:home")
    DocumentFactory(
        title="Older Agreement", issued_on=datetime.date(2023, 5, 1), issued_on_precision="day"
    )
    assert "Older Agreement" in get(home).content.decode()
    draft = DocumentFactory(
        title="Newest Agreement",
        issued_on=datetime.date(2026, 11, 30),
        issued_on_precision="day",
        status=PublicationStatus.DRAFT,
    )
    assert "Newest Agreement" not in get(home + "?before").content.decode()
    publish(draft)
    page = get(home + "?after").content.decode()
    assert page.index("Newest Agreement") < page.index("Older Agreement")


def test_an_import_shows_at_once():
    get(LIST)
    data = tablib.Dataset(headers=["slug", "name", "kind", "scope", "status"])
    data.append(["imported", "Imported Partnership", "regional", "local", "published"])
    result = PartnershipResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert "Imported Partnership" in get(LIST).content.decode()


def test_staff_tokens_drafts_and_posts_are_never_cached(admin_user):
    draft = PartnershipFactory(status=PublicationStatus.DRAFT, name="Staff Preview")
    staff = Client()
    staff.force_login(admin_user)

    preview = staff.get(draft.get_absolute_url())
    assert preview.status_code == 200 and "X-Cache" not in preview
    assert get(draft.get_absolute_url()).status_code == 404
    assert "X-Cache" not in staff.get(LIST)

    token = Token.objects.create(user=admin_user).key
    api = get("/api/v1/partnerships/", HTTP_AUTHORIZATION=f"Token {token}")
    assert "X-Cache" not in api
    assert "X-Cache" not in Client().post(reverse("alliances:check"), {})


def test_the_cache_varies_on_query_format_and_accept():
    PartnershipFactory(regional=True, name="Regional One")
    PartnershipFactory(name="Large One")
    assert "Large One" in get(LIST).content.decode()
    filtered = get(LIST, QUERY_STRING="kind=regional")
    assert "Large One" not in filtered.content.decode()
    json_list = get("/api/v1/partnerships/")
    csv_list = get("/api/v1/partnerships/", HTTP_ACCEPT="text/csv")
    assert json_list["Content-Type"].startswith("application/json")
    assert csv_list["Content-Type"].startswith("text/csv")
    assert get("/api/v1/partnerships/", HTTP_ACCEPT="text/csv")["X-Cache"] == "hit"


def test_cached_pages_still_answer_304_to_a_known_etag():
    PartnershipFactory()
    first = get(LIST)
    assert get(LIST, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_cached_page_costs_no_query_and_a_signed_in_reader_never_gets_it(
    admin_user, django_assert_num_queries
):
    PartnershipFactory(name="Public Partnership")
    get(LIST)
    with django_assert_num_queries(0):  # no session, no user, no view
        assert get(LIST)["X-Cache"] == "hit"

    staff = Client()
    staff.force_login(admin_user)
    response = staff.get(LIST)
    assert "X-Cache" not in response
    # The staff page has the curation link the anonymous page has not.
    assert reverse("admin:index") in response.content.decode()


def test_the_scale_generator_invalidates_too():
    get(LIST)
    from django.core.management import call_command

    call_command("generate_scale_data", "--factor", "1", stdout=io.StringIO())
    assert get(LIST)["X-Cache"] == "miss"


def test_headline_figures_are_computed_once_until_content_changes(django_assert_max_num_queries):
    def listed(host: str) -> int:
        home = get(reverse("ecosystems:home"), HTTP_HOST=host)
        return home.context["figures"]["partnerships"]

    PartnershipFactory()
    assert listed("localhost") == 1
    # Another host misses the page cache, but the figures are remembered.
    with django_assert_max_num_queries(3):
        assert listed("127.0.0.1") == 1
    PartnershipFactory()
    assert listed("localhost") == 2


def test_the_unfiltered_counts_are_remembered_until_content_changes(
    django_assert_max_num_queries,
):
    PartnershipFactory(regional=True)
    first = get(LIST)
    kinds = dict((value, n) for value, _label, n in first.context["facets"]["kind"])
    assert kinds == {"large-scale": 0, "regional": 1}

    # Another address of the same list misses the page cache but not the remembered counts:
    # the list, its total, its links and the facet labels, none of the four counting queries.
    with django_assert_max_num_queries(5):
        get(LIST, QUERY_STRING="ordering=name")

    publish(PartnershipFactory(status=PublicationStatus.DRAFT))
    again = get(LIST, QUERY_STRING="ordering=name")
    kinds = dict((value, n) for value, _label, n in again.context["facets"]["kind"])
    assert kinds == {"large-scale": 1, "regional": 1}


def test_filtered_counts_are_remembered_for_those_filters_until_content_changes(
    django_assert_max_num_queries,
):
    PartnershipFactory(regional=True, scope="local")

    def scopes(query: str) -> dict:
        response = get(LIST, QUERY_STRING=query)
        return {value: n for value, _label, n in response.context["facets"]["scope"]}

    assert scopes("kind=regional")["local"] == 1
    # The same filters at another address (the order is not a filter): no counting query.
    with django_assert_max_num_queries(5):
        assert scopes("kind=regional&ordering=-name")["local"] == 1
    # Other filters are counted for themselves.
    assert scopes("kind=large-scale")["local"] == 0

    publish(PartnershipFactory(regional=True, scope="local", status=PublicationStatus.DRAFT))
    assert scopes("kind=regional&ordering=name")["local"] == 2


def test_the_same_filter_values_elsewhere_count_nothing_again_until_content_changes(
    django_assert_num_queries,
):
    PartnershipFactory(name="Alpha Regional", regional=True)
    first = get(LIST, QUERY_STRING="kind=regional&scope=nowhere")
    assert first["X-Cache"] == "miss" and "Alpha Regional" in first.content.decode()

    # The same values on another host: a page of its own, from the remembered total, facets,
    # choices and records; only the page's ids are read. The invalid value is still refused.
    with django_assert_num_queries(1):
        again = get(LIST, QUERY_STRING="scope=nowhere&kind=regional", HTTP_HOST="127.0.0.1")
    assert again["X-Cache"] == "miss"
    page = again.content.decode()
    assert "Alpha Regional" in page and "1 partnership found" in page
    assert 'id="id_scope" name="scope" aria-invalid="true"' in page
    assert '<option value="regional" selected>' in page

    publish(PartnershipFactory(name="Beta Regional", regional=True, status=PublicationStatus.DRAFT))
    after = get(LIST, QUERY_STRING="kind=regional&scope=nowhere&utm_source=other").content.decode()
    assert "Beta Regional" in after and "2 partnerships found" in after


def test_the_same_filters_in_another_language_count_nothing_again():
    PartnershipFactory(name="Counted Once", regional=True)
    english = get("/en/partnerships/?kind=regional")
    assert "1 partnership found" in english.content.decode()

    # The French page draws its own labels and records, but the counts have no language.
    with CaptureQueriesContext(connection) as queries:
        french = get("/fr/partnerships/?kind=regional")
    assert french["X-Cache"] == "miss" and "Counted Once" in french.content.decode()
    # The list's total, and each facet's grouped counts.
    counting = [
        q["sql"]
        for q in queries.captured_queries
        if re.match(r'SELECT (COUNT\(|"\w+"\."\w+" AS "\w+", COUNT\()', q["sql"])
    ]
    assert counting == []


def test_chart_counts_serve_every_language_each_named_in_its_own():
    MembershipFactory(organisation=OrganisationFactory(country_id="IT"))
    english = get("/en/figures/").content.decode()
    assert "VET provider" in english and "Italy" in english

    with CaptureQueriesContext(connection) as queries:
        german = get("/de/figures/").content.decode()
    assert "Berufsbildungsanbieter" in german and "Italien" in german
    assert "VET provider" not in german
    # Members by type and by country were counted for the English page, not again.
    grouped = [
        q["sql"]
        for q in queries.captured_queries
        if re.match(r'SELECT "partnerships_organisation"\."(type|country_id)" AS', q["sql"])
    ]
    assert grouped == []


def test_a_listed_record_is_drawn_once_until_content_changes():
    partnership = PartnershipFactory(name="Drawn Once", summary="First summary.")
    assert "First summary." in get(LIST).content.decode()
    # Changed behind the portal's back: another address of the list renders the page again
    # but takes the record's remembered fragment.
    Partnership.objects.filter(pk=partnership.pk).update(summary_en="Quiet change.")
    again = get(LIST, QUERY_STRING="ordering=name")
    assert again["X-Cache"] == "miss" and "First summary." in again.content.decode()

    partnership.refresh_from_db()
    partnership.summary = "Saved change."
    partnership.save()
    assert "Saved change." in get(LIST, QUERY_STRING="ordering=-name").content.decode()


def test_record_fragments_are_kept_apart_by_language():
    PartnershipFactory(summary_en="Welding skills.", summary_fr="Compétences en soudage.")
    english = get("/en/partnerships/").content.decode()
    french = get("/fr/partnerships/").content.decode()
    assert "Welding skills." in english and "Compétences en soudage." not in english
    assert "Compétences en soudage." in french and "Welding skills." not in french
    assert 'href="/fr/partnerships/' in french


def test_maps_and_charts_show_a_publish_at_once():
    home = reverse("ecosystems:home")
    get(home)
    figures = get(reverse("figures:index")).content.decode()
    draft = PartnershipFactory(status=PublicationStatus.DRAFT, regional=True)
    draft.countries.add("MT")
    draft.linked_ecosystems.add(ecosystem("tourism"))
    assert "?country=MT" not in get(home + "?before").content.decode()
    publish(draft)
    page = get(home + "?after").content.decode()
    assert "?country=MT" in page  # the shaded country
    assert '<th scope="row">Malta</th><td class="number">1</td>' in page  # its row in the table
    assert get(reverse("figures:index") + "?after").content.decode() != figures


def test_a_search_ranking_is_remembered_until_content_changes(django_assert_max_num_queries):
    search = reverse("partnerships:search")

    def found(query: str) -> list[str]:
        page = get(search, QUERY_STRING=query).content.decode()
        group = page.partition('id="group-partnerships"')[2].partition("</section>")[0]
        return re.findall(r'<h3 class="item__title"><a href="[^"]+">([^<]+)</a>', group)

    PartnershipFactory(name="Welding Academy")
    assert found("q=welding") == ["Welding Academy"]
    # The same words at another address: the rankings and the results' fragments are
    # remembered.
    with django_assert_max_num_queries(0):
        assert found("q=welding&again") == ["Welding Academy"]

    PartnershipFactory(name="Welding Skills Network")
    assert sorted(found("q=welding&after")) == ["Welding Academy", "Welding Skills Network"]
    hidden = PartnershipFactory(name="Welding Draft", status=PublicationStatus.DRAFT)
    assert hidden.name not in found("q=welding&draft")


def test_api_records_read_from_memory_are_the_ones_serialized_afresh(settings):
    partnership = PartnershipFactory(name="Represented", regional=True)
    partnership.countries.add("IT")
    DocumentFactory(partnership=partnership)
    list_url, detail_url = "/api/v1/partnerships/", f"/api/v1/partnerships/{partnership.slug}/"

    settings.PAGE_CACHE_SECONDS = 0
    fresh = get(list_url).json(), get(detail_url).json()
    settings.PAGE_CACHE_SECONDS = 600
    get(list_url), get(detail_url)
    # Other addresses: the page cache misses, the records' representations are remembered.
    remembered = get(list_url + "?page=1").json(), get(detail_url + "?again").json()
    assert remembered == fresh

    on_another_host = get(detail_url + "?host", HTTP_HOST="localhost").json()
    assert on_another_host["url"] == f"http://localhost{detail_url}"

    partnership.name = "Renamed Through The Admin"
    partnership.save()
    assert get(list_url + "?after").json()["results"][0]["name"] == "Renamed Through The Admin"
    assert get(detail_url + "?after").json()["name"] == "Renamed Through The Admin"


def test_a_remembered_api_record_keeps_its_json_and_not_the_records_it_links_to():
    partnership = PartnershipFactory(name="Linked", regional=True)
    for _member in range(3):
        MembershipFactory(partnership=partnership)
    get(f"/api/v1/partnerships/{partnership.slug}/")

    json_types = (dict, list, str, int, float, bool, type(None))

    def foreign(value):
        """Whatever in ``value`` is not one of JSON's own types (a hyperlink keeps the record
        it points to, and pickling it pickled every member's record as well)."""
        if type(value) not in json_types:
            return [value]
        children = value.values() if isinstance(value, dict) else value
        if isinstance(value, dict | list):
            return [found for child in children for found in foreign(child)]
        return []

    remembered = [
        value for key, (_size, value) in local.entries.items() if ".api.Partnership" in key
    ]
    assert remembered, "the representation was not remembered"
    assert [foreign(value) for value in remembered] == [[]] * len(remembered)


def test_a_remembered_api_list_still_refuses_what_it_always_refused(
    django_assert_num_queries,
):
    PartnershipFactory(name="Listed", regional=True)
    PartnershipFactory(name="Hidden", status=PublicationStatus.DRAFT)
    url = "/api/v1/partnerships/"
    assert [p["name"] for p in get(url + "?kind=regional").json()["results"]] == ["Listed"]
    with django_assert_num_queries(0):
        again = get(url + "?kind=regional&utm_source=mail").json()
    assert [p["name"] for p in again["results"]] == ["Listed"] and again["count"] == 1

    drafts = get(url + "?kind=regional&status=draft")
    assert drafts.status_code == 403 and "Hidden" not in drafts.content.decode()
    invalid = get(url + "?kind=regional&country=ZZ")
    assert invalid.status_code == 400 and "country" in invalid.json()["errors"]
    assert get(url + "?kind=regional&page=9").status_code == 404


def test_curators_never_read_remembered_records(admin_user):
    partnership = PartnershipFactory(name="Public Name")
    get(f"/api/v1/partnerships/{partnership.slug}/")
    # Changed behind the portal's back: only a remembered representation still has the name.
    Partnership.objects.filter(pk=partnership.pk).update(name="Quiet Name")
    token = Token.objects.create(user=admin_user).key
    staff = get(
        f"/api/v1/partnerships/{partnership.slug}/?x", HTTP_AUTHORIZATION=f"Token {token}"
    ).json()
    assert staff["name"] == "Quiet Name"
    assert get(f"/api/v1/partnerships/{partnership.slug}/?x").json()["name"] == "Public Name"


def api_detail(record) -> str:
    return reverse("api:partnership-detail", args=[record.slug])


@pytest.mark.parametrize(
    ("factory", "address"),
    [
        (PartnershipFactory, lambda record: record.get_absolute_url()),
        (OrganisationFactory, lambda record: record.get_absolute_url()),
        (DocumentFactory, lambda record: record.get_absolute_url()),
        (PartnershipFactory, api_detail),
    ],
)
def test_a_record_found_once_follows_its_status_at_once(
    factory, address, django_assert_num_queries
):
    record = factory()
    url = address(record)
    assert get(url).status_code == 200
    # Another address of the same record: found without a query.
    with django_assert_num_queries(0):
        assert get(url + "?utm_source=mail").status_code == 200

    publication_set_status(objects=[record], status=PublicationStatus.DRAFT)
    assert get(url + "?utm_source=other").status_code == 404
    # A slug that found nothing is not remembered either.
    publish(record)
    assert get(url + "?utm_source=again").status_code == 200


def test_a_partnership_page_shows_a_new_member_at_once(admin_user):
    partnership = PartnershipFactory(name="Body Remembered")
    url = partnership.get_absolute_url()
    assert "No members are listed" in get(url).content.decode()
    MembershipFactory(partnership=partnership, organisation=OrganisationFactory(name="New Member"))
    page = get(url + "?after").content.decode()
    assert "New Member" in page and "No members are listed" not in page

    draft = PartnershipFactory(name="Draft Body", status=PublicationStatus.DRAFT)
    staff = Client()
    staff.force_login(admin_user)
    assert "Draft Body" in staff.get(draft.get_absolute_url()).content.decode()
    Partnership.objects.filter(pk=draft.pk).update(summary_en="Seen at once by curators.")
    assert "Seen at once by curators." in staff.get(draft.get_absolute_url()).content.decode()


def test_an_ecosystem_page_shows_a_publish_at_once():
    tourism = ecosystem("tourism")
    url = tourism.get_absolute_url()
    draft = PartnershipFactory(
        ecosystem=tourism, name="Coastal Guides", status=PublicationStatus.DRAFT
    )
    assert "Coastal Guides" not in get(url).content.decode()
    publish(draft)
    assert "Coastal Guides" in get(url + "?after").content.decode()


def test_an_anonymous_csv_export_is_serialized_whole_in_a_few_queries(
    django_assert_max_num_queries,
):
    for n in range(30):
        PartnershipFactory(name=f"Exported {n:02}").countries.add("IT")
    with django_assert_max_num_queries(6):
        response = get("/api/v1/partnerships/", HTTP_ACCEPT="text/csv")
    assert response.content.decode().count("Exported") == 30


def test_a_cached_page_keeps_every_security_header():
    PartnershipFactory()
    miss, hit = get(LIST), get(LIST)
    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Request-ID",
    ):
        assert hit[header], header
        if header != "X-Request-ID":
            assert hit[header] == miss[header], header
    assert hit["X-Request-ID"] != miss["X-Request-ID"]


@pytest.fixture
def shared_redis(settings, redis_server):
    """Redis as the cache, with keys of the test's own: what the workers share."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"{redis_server}/9",
            "KEY_PREFIX": f"lock-test-{uuid.uuid4().hex}",
        }
    }


@pytest.mark.usefixtures("shared_redis")
def test_workers_that_miss_the_same_value_compute_it_once():
    """Right after a change, every worker misses the same figures at once: one computes
    them while the others wait for its result."""
    computed, results = [], []

    def slow_figures():
        computed.append(threading.get_ident())
        time.sleep(0.3)
        return {"partnerships": 42}

    def worker():
        results.append(remembered("slow-figures", slow_figures))

    workers = [threading.Thread(target=worker) for _ in range(4)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert results == [{"partnerships": 42}] * 4
    assert len(computed) == 1


@pytest.mark.usefixtures("shared_redis")
def test_workers_that_miss_the_same_values_together_compute_them_once():
    """Checks of consortia failing the same rules in the same ecosystem, right after a
    change, ask for the same rankings at once: one check reads them, the others take them."""
    computed, results = [], []

    def slow_rankings(parts):
        computed.append(sorted(parts))
        time.sleep(0.3)
        return {part: [part * 10] for part in parts}

    def worker():
        results.append(remembered_together({1: "rank-a", 2: "rank-b"}, slow_rankings))

    workers = [threading.Thread(target=worker) for _ in range(4)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert results == [{1: [10], 2: [20]}] * 4
    assert computed == [[1, 2]]
