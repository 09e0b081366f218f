"""Which client address sign-in lockouts and API limits count, with and without BEHIND_PROXY.

Without it, X-Forwarded-For is whatever a client typed: changing it must not buy a client
fresh sign-in attempts or a fresh API allowance. Behind the nginx of deploy/ (BEHIND_PROXY),
every request comes from nginx, which puts the client's own address in X-Forwarded-For: two
readers behind it are counted apart, and locking out one of them locks out no one else.

settings.py turns BEHIND_PROXY into settings when it is imported, so a fresh process reports
what it computes for each value; the tests apply exactly that here. django-axes reads its
AXES_IPWARE_* settings at each request, and DRF reloads REST_FRAMEWORK on setting_changed.
"""

import functools
import itertools
import json

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from tests.pactportal.test_settings import SECRET, run_python

API_LIST = "/api/v1/ecosystems/"
NGINX = "127.0.0.1"  # REMOTE_ADDR of every request behind the proxy: nginx itself
READER_A, READER_B = "198.51.100.7", "203.0.113.9"
PASSWORD = "the right password"

PRINT_ADDRESS_SETTINGS = (
    "import json, django; django.setup(); import axes.conf; from django.conf import settings as s; "
    "print(json.dumps({'meta': list(s.AXES_IPWARE_META_PRECEDENCE_ORDER), "
    "'order': s.AXES_IPWARE_PROXY_ORDER, 'count': s.AXES_IPWARE_PROXY_COUNT, "
    "'trusted': s.AXES_IPWARE_PROXY_TRUSTED_IPS, "
    "'num_proxies': s.REST_FRAMEWORK['NUM_PROXIES']}))"
)


@functools.cache
def computed(behind_proxy: bool) -> dict:
    """The address settings a production process computes, BEHIND_PROXY on or off."""
    env = {"SECRET_KEY": SECRET, "ALLOWED_HOSTS": "pact.example.eu"}
    if behind_proxy:
        env["BEHIND_PROXY"] = "true"
    result = run_python(PRINT_ADDRESS_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def apply(settings, behind_proxy: bool) -> None:
    values = computed(behind_proxy)
    settings.BEHIND_PROXY = behind_proxy
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(values["meta"])
    settings.AXES_IPWARE_PROXY_ORDER = values["order"]
    settings.AXES_IPWARE_PROXY_COUNT = values["count"]
    settings.AXES_IPWARE_PROXY_TRUSTED_IPS = values["trusted"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": values["num_proxies"]}
    assert values["num_proxies"] == api_settings.NUM_PROXIES, "DRF did not reload its settings"


@pytest.fixture
def direct(settings):
    """Clients reach the portal directly: the default."""
    apply(settings, behind_proxy=False)


@pytest.fixture
def behind_nginx(settings):
    apply(settings, behind_proxy=True)


@pytest.fixture(autouse=True)
def _fresh_counts(monkeypatch):
    # Throttle counts live in the cache; rates are read when the throttle class is defined.
    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    yield
    cache.clear()


@pytest.fixture
def ines(db):
    return get_user_model().objects.create_user("ines", password=PASSWORD, is_staff=True)


def sign_in(client, password: str, **meta):
    return client.post(
        reverse("admin:login"),
        {"username": "ines", "password": password, "next": reverse("admin:index")},
        **meta,
    )


PAGE_SIZES = itertools.count(1)


def api_get(client, **meta) -> int:
    # Each read asks for something new, so the portal computes it and counts it: a read the
    # page cache answers is not counted (the README says why).
    return client.get(API_LIST, {"page_size": next(PAGE_SIZES) % 100 + 1}, **meta).status_code


def test_behind_proxy_makes_the_forwarded_address_count():
    assert computed(False)["num_proxies"] == 0
    assert computed(False)["meta"] == ["REMOTE_ADDR"]
    assert computed(True)["num_proxies"] == 1
    assert computed(True)["meta"][0] == "HTTP_X_FORWARDED_FOR"
    assert computed(True)["order"] == "right-most"


# Without BEHIND_PROXY: the header is the client's word, and counts for nothing.


def test_a_new_forwarded_for_each_time_does_not_dodge_the_api_throttle(db, client, direct):
    statuses = [api_get(client, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}") for n in range(1, 5)]
    assert statuses == [200, 200, 200, 429]
    assert api_get(client, HTTP_X_FORWARDED_FOR="192.0.2.99") == 429


def test_a_new_forwarded_for_each_time_does_not_dodge_a_lockout(client, direct, ines, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "a wrong guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
    # Locked out: even the right password, from yet another claimed address, is refused.
    response = sign_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


# Behind nginx: the address nginx forwards is the client's.


def test_behind_nginx_two_readers_have_an_api_allowance_each(db, client, behind_nginx):
    reader_a = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": READER_A}
    reader_b = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": READER_B}
    assert [api_get(client, **reader_a) for _ in range(4)] == [200, 200, 200, 429]
    # The same nginx, another reader: a full allowance of its own.
    assert [api_get(client, **reader_b) for _ in range(3)] == [200, 200, 200]
    assert api_get(client, **reader_a) == 429
    # A proxy that appends instead of replacing: the address nginx adds, right-most, counts.
    appended = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": f"{READER_B}, {READER_A}"}
    assert api_get(client, **appended) == 429


def test_behind_nginx_a_lockout_is_for_one_reader_only(client, behind_nginx, ines, settings):
    from_a = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": READER_A}
    from_b = {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": READER_B}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "a wrong guess", **from_a)
    assert sign_in(client, PASSWORD, **from_a).status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [READER_A]

    # Ines herself, from her own address behind the same nginx, signs in.
    signed_in = sign_in(client, PASSWORD, **from_b)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("admin:index")
