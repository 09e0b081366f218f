"""The page cache as real visitors meet it: their own cookies, languages and parameter orders
find the cached page, and a change that could not reach Redis never leaves a stale one."""

import io
import time
import uuid

import pytest
import redis
from django.core.cache import cache
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import WSGIRequest
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from core.cache import GENERATION_KEY, generations, local, local_pages
from core.cache.pages import REMEMBERED_QUERY_LENGTH, request_key
from core.models import PublicationStatus
from core.services import publication_set_status
from partnerships.models import Partnership
from tests.factories import PartnershipFactory, ecosystem

pytestmark = pytest.mark.django_db

LIST = "/en/partnerships/"
# Five browsers' languages, none of them the page's own.
ACCEPT_LANGUAGES = [
    "de-DE,de;q=0.9,en;q=0.8",
    "fr-FR,fr;q=0.9",
    "it-IT,it;q=0.8,en-US;q=0.5",
    "en-GB,en;q=0.9",
    "pl,en;q=0.7",
]


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.CONTENT_GENERATION_CHECK_SECONDS = 0


def visitor(number: int) -> Client:
    """A returning visitor: their own analytics cookie, sometimes the language switcher's."""
    client = Client(HTTP_ACCEPT_LANGUAGE=ACCEPT_LANGUAGES[number % len(ACCEPT_LANGUAGES)])
    client.cookies["_ga"] = f"GA1.1.{uuid.uuid4().int % 10**9}.{number}"
    if number % 2:
        client.cookies["django_language"] = ["en", "fr", "de"][number % 3]
    return client


@pytest.mark.parametrize(
    "first, again",
    [
        ("kind=regional&country=IT", "country=IT&kind=regional"),
        ("kind=regional", "kind=regional&utm_source=newsletter&fbclid=abc"),
        ("ecosystem=digital&q=skills", "q=skills&ecosystem=digital"),
    ],
)
def test_returning_visitors_get_the_cached_page(first, again):
    PartnershipFactory(regional=True)
    assert visitor(0).get(f"{LIST}?{first}")["X-Cache"] == "miss"
    for number in range(1, 6):
        assert visitor(number).get(f"{LIST}?{again}")["X-Cache"] == "hit", number


def test_repeated_values_keep_their_order_in_the_key():
    PartnershipFactory(regional=True)
    assert visitor(0).get(f"{LIST}?ordering=name&ordering=-launched")["X-Cache"] == "miss"
    assert visitor(1).get(f"{LIST}?ordering=-launched&ordering=name")["X-Cache"] == "miss"


def test_words_beyond_ascii_find_the_same_page_as_typed_or_percent_encoded():
    PartnershipFactory(name="Métiers d'art en réseau")
    # As a browser's address bar sends it (the bytes as they are), then as a link has it.
    typed = Client().get(f"{LIST}?q=métiers")
    encoded = Client().get(f"{LIST}?q=m%C3%A9tiers")
    assert "Métiers d&#x27;art en réseau" in typed.content.decode()
    assert typed["X-Cache"] == "miss" and encoded["X-Cache"] == "hit"
    assert encoded.content == typed.content


def test_a_long_address_is_keyed_as_a_short_one_is():
    PartnershipFactory(regional=True)
    # Longer than the page key's memo takes: keyed afresh each time, the same way.
    tracking = "x" * REMEMBERED_QUERY_LENGTH
    assert visitor(0).get(f"{LIST}?kind=regional&utm_content={tracking}")["X-Cache"] == "miss"
    assert visitor(1).get(f"{LIST}?utm_content={tracking}&kind=regional")["X-Cache"] == "hit"
    assert visitor(2).get(f"{LIST}?kind=regional")["X-Cache"] == "hit"


def test_either_server_interface_keys_a_word_beyond_ascii_as_its_bytes_sent():
    sent = "q=Łódź".encode()
    # WSGI hands the bytes over one character each; ASGI as they come, decoded as UTF-8.
    wsgi = WSGIRequest(
        {**RequestFactory()._base_environ(PATH_INFO=LIST), "QUERY_STRING": sent.decode("latin-1")}
    )
    asgi = ASGIRequest(
        {"type": "http", "method": "GET", "path": LIST, "query_string": sent, "headers": []},
        io.BytesIO(),
    )
    asgi.META["HTTP_HOST"] = "testserver"
    assert request_key(wsgi)[0] == request_key(asgi)[0] == "q=%C5%81%C3%B3d%C5%BA"


def test_parameters_the_page_does_not_read_reach_none_of_its_links():
    for _ in range(25):  # two pages, so the list has pagination links
        PartnershipFactory(regional=True)
    html = visitor(0).get(f"{LIST}?kind=regional&utm_source=newsletter").content.decode()
    assert "kind=regional" in html
    assert "utm_source" not in html


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/fr/ecosystems/",
        "/de/ecosystems/digital/",
        LIST,
        "/en/partnerships/?kind=regional",
        "/en/organisations/",
        "/en/documents/",
        "/en/search/?q=skills",
        "/en/figures/",
        "/en/alliances/",
        "/api/v1/partnerships/",
        "/api/v1/ecosystems/digital/",
    ],
)
def test_anonymous_pages_never_vary_on_cookies(url):
    partnership = PartnershipFactory(ecosystem=ecosystem("digital"))
    for client in (visitor(0), Client()):
        response = client.get(url)
        assert response.status_code == 200
        assert "cookie" not in response.get("Vary", "").lower()
    detail = visitor(2).get(reverse("partnerships:detail", args=[partnership.slug]))
    assert "cookie" not in detail.get("Vary", "").lower()


def test_only_a_signed_in_curator_sees_the_link_to_the_admin(admin_user):
    curator = Client()
    curator.force_login(admin_user)
    assert 'href="/admin/"' in curator.get("/en/").content.decode()
    assert 'href="/admin/"' not in visitor(0).get("/en/").content.decode()


def test_the_api_is_keyed_on_the_language_it_answers_in():
    french = Client().get("/api/v1/ecosystems/digital/", HTTP_ACCEPT_LANGUAGE="fr")
    german = Client().get("/api/v1/ecosystems/digital/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    again = Client().get("/api/v1/ecosystems/digital/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.8")
    assert french["Content-Language"] == "fr" and german["Content-Language"] == "de"
    assert german["X-Cache"] == "miss"
    assert again["X-Cache"] == "hit" and again.content == french.content


@pytest.fixture
def redis_pages(settings, redis_server):
    """The page cache on a real Redis, as production runs it (short timeouts, failures
    ignored and logged): the address of its database."""
    database = f"{redis_server}/9"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": database,
            "KEY_PREFIX": f"generation-test-{uuid.uuid4().hex}",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    yield database
    for memory in (local, local_pages):
        memory.entries.clear()


def cached_partnership():
    partnership = PartnershipFactory(name="Soon Withdrawn")
    page = reverse("partnerships:detail", args=[partnership.slug])
    assert Client().get(page)["X-Cache"] == "miss"
    assert Client().get(page)["X-Cache"] == "hit"
    return partnership, page


def test_a_change_made_while_redis_refuses_writes_is_never_served_stale(redis_pages):
    partnership, page = cached_partnership()
    server = redis.Redis.from_url(redis_pages)
    # Writes wait for the pause to end; the portal's own wait (0.5 s) runs out first, and
    # the change's new generation never reaches Redis.
    server.execute_command("CLIENT", "PAUSE", 10_000, "WRITE")
    try:
        publication_set_status(objects=[partnership], status=PublicationStatus.DRAFT)
        response = Client().get(page)
    finally:
        server.execute_command("CLIENT", "UNPAUSE")
    assert response.status_code == 404
    # After the pause, the stored generation is put right and the page stays gone.
    assert Client().get(page).status_code == 404


def test_a_redis_restored_from_an_old_snapshot_serves_no_page_older_than_the_data(redis_pages):
    partnership, page = cached_partnership()
    before = cache.get(GENERATION_KEY)
    publication_set_status(objects=[partnership], status=PublicationStatus.DRAFT)
    # The snapshot held the generation as it was before the change, and the page beside it;
    # the restart that loaded it closed every connection.
    cache.set(GENERATION_KEY, before, timeout=None)
    redis.Redis.from_url(redis_pages).client_kill_filter(_type="pubsub")
    for memory in (local, local_pages):
        memory.entries.clear()
    # Each request meanwhile, before and after this process listens again.
    served = until(lambda: cache.get(GENERATION_KEY) > before, lambda: Client().get(page))
    assert {response.status_code for response in served} == {404}


def until(done, step, seconds: float = 5.0) -> list:
    """``step()`` again and again until ``done()``, at most ``seconds``: what each answered."""
    answers, deadline = [step()], time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "not done in time"
        time.sleep(0.02)
        answers.append(step())
    return answers


def another_process_changes(partnership, database: str) -> None:
    """What a change made by another worker or app server leaves here: the row changed and the
    generation raised in Redis, announced on its channel, and no signal in this process."""
    Partnership.objects.filter(pk=partnership.pk).update(status=PublicationStatus.DRAFT)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [generations.SEQUENCE])
        (value,) = cursor.fetchone()
    server = redis.Redis.from_url(database)
    key = cache.make_and_validate_key(GENERATION_KEY)
    server.eval(generations.RAISE_TO, 1, key, value, f"9:{key}")
    server.ping()  # as raise_stored() waits for the announcement to be written


@pytest.fixture
def between_database_checks(settings):
    """Long after this process last compared the generation with the database's."""
    settings.CONTENT_GENERATION_CHECK_SECONDS = 3600
    generations.database.seen(0)


def test_a_change_by_another_process_retires_the_pages_this_process_holds(
    redis_pages, between_database_checks
):
    partnership, page = cached_partnership()
    # This process listens to the generation's channel by now and holds the page itself.
    assert generations.watch.value is not None
    assert Client().get(page)["X-Cache"] == "hit"
    another_process_changes(partnership, redis_pages)
    # The very next request reads the announcement, which is here before the change returns.
    assert Client().get(page).status_code == 404


def test_a_reader_sent_the_moment_a_change_returns_finds_it_announced_everywhere(
    redis_pages, between_database_checks
):
    # Redis answers the writer before it writes what it published to the processes that
    # listen, the one that listened first last: with fifty listening (the workers of a few
    # app servers), that one had not heard of the change when the writer went on.
    server = redis.Redis.from_url(redis_pages)
    listeners = [server.pubsub() for _ in range(50)]
    try:
        for listener in listeners:
            listener.subscribe(generations.channel(generations.redis_client()))
            assert listener.get_message(timeout=1)["type"] == "subscribe"
        for _ in range(5):
            generations.content_changed()
            heard = listeners[0].get_message(timeout=0)
            assert heard is not None, "the first listener had not heard of the change"
            assert int(heard["data"]) == cache.get(GENERATION_KEY)
            for listener in listeners[1:]:
                listener.get_message(timeout=1)
    finally:
        for listener in listeners:
            listener.close()


def test_a_process_that_lost_the_channel_still_serves_no_stale_page(
    redis_pages, between_database_checks
):
    partnership, page = cached_partnership()
    assert generations.watch.value is not None
    redis.Redis.from_url(redis_pages).client_kill_filter(_type="pubsub")
    # Changed while this process is not listening: it asks Redis until it listens again.
    another_process_changes(partnership, redis_pages)
    assert Client().get(page).status_code == 404
    assert generations.watch.value is None
    time.sleep(generations.RESUBSCRIBE_SECONDS)
    assert Client().get(page).status_code == 404
    assert generations.watch.value is not None
