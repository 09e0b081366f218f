"""Security headers on every kind of response, safe production settings, and sign-in lock-out."""

import logging
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from partnerships.models import DocumentFile
from tests.factories import DocumentFactory, pdf_upload
from tests.pactportal.test_settings import ROOT, SECRET, clean_environment

PRODUCTION = {
    "SECRET_KEY": SECRET,
    "ALLOWED_HOSTS": "pact.example.eu",
    "DATABASE_URL": "postgres://portal:secret@db.internal:5432/pactportal",
}


def published_download_url() -> str:
    version = DocumentFile(document=DocumentFactory(), language="en")
    version.file = pdf_upload(pages=1)
    version.full_clean()
    version.save()
    return reverse(
        "partnerships:document_download",
        kwargs={"slug": version.document.slug, "language": "en"},
    )


@pytest.fixture
def responses(db, client):
    """A page, an API response and a file download, as a browser gets them over HTTPS."""
    return {
        "page": client.get(reverse("ecosystems:home"), secure=True),
        "api": client.get(reverse("api:partnership-list"), secure=True),
        "download": client.get(published_download_url(), secure=True),
    }


@pytest.mark.parametrize("kind", ["page", "api", "download"])
def test_every_kind_of_response_carries_the_security_headers(responses, kind):
    response = responses[kind]
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Request-ID"]


def test_plain_http_is_redirected_to_https_in_production(db, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("ecosystems:home"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_session_and_csrf_cookies_are_secure_and_http_only(db, client):
    login = reverse("admin:login")
    page = client.get(login, secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    get_user_model().objects.create_user("ines", password="a long curator password", is_staff=True)
    response = client.post(
        login,
        {"username": "ines", "password": "a long curator password", "next": reverse("admin:index")},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


@pytest.mark.parametrize("secure", [True, False], ids=["https", "http"])
def test_the_language_cookie_is_secure_http_only_and_same_site(db, client, secure):
    response = client.get(reverse("switch_language", args=["fr"]), {"next": "/en/"}, secure=secure)
    cookie = response.cookies["django_language"]
    assert cookie.value == "fr"
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_checklist_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "key",
    ["django-insecure-" + "k3y" * 20, "change-me", "x" * 64],
    ids=["startproject-placeholder", "short", "one-character"],
)
def test_production_refuses_to_start_with_a_default_or_weak_secret_key(key):
    result = run_manage("check", **{**PRODUCTION, "SECRET_KEY": key})
    assert result.returncode != 0
    assert "SECRET_KEY is a default or weak key" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = run_manage("check", **{**PRODUCTION, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG is on for a public host name" in result.stderr


def test_debug_on_this_machine_still_starts():
    result = run_manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def sign_in(client, password: str):
    return client.post(
        reverse("admin:login"),
        {"username": "ines", "password": password, "next": reverse("admin:index")},
    )


def test_repeated_failed_sign_ins_lock_the_account_out_and_are_logged(db, client, caplog, settings):
    get_user_model().objects.create_user("ines", password="the right password", is_staff=True)
    with caplog.at_level(logging.INFO):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert sign_in(client, "a wrong guess").status_code == 200  # the form again
        locked = sign_in(client, "a wrong guess")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # Locked out: even the right password is refused now.
    assert sign_in(client, "the right password").status_code == 429
    assert AccessAttempt.objects.get(username="ines").failures_since_start >= 5
    failures = [
        r
        for r in caplog.records
        if r.levelno == logging.WARNING and "login failure" in r.getMessage()
    ]
    assert len(failures) >= settings.AXES_FAILURE_LIMIT, "each failed sign-in is logged"
    assert any("Locking out" in r.getMessage() for r in caplog.records)
    assert "the right password" not in caplog.text and "a wrong guess" not in caplog.text


def test_a_lock_out_concerns_one_account_from_one_address(db, client, settings):
    get_user_model().objects.create_user("ines", password="the right password", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "a wrong guess")
    other_address = client.post(
        reverse("admin:login"),
        {"username": "ines", "password": "the right password", "next": reverse("admin:index")},
        REMOTE_ADDR="192.0.2.10",
    )
    assert other_address.status_code == 302
