"""Where uploaded documents are kept and how a download reaches the reader.

Three ways, chosen by settings, all behind the same check (drafts for staff only): this worker
streams the file; nginx sends it from MEDIA_ROOT on an X-Accel-Redirect; or the browser is
redirected to object storage with a URL signed for a few minutes.
"""

import hashlib
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from core.models import PublicationStatus
from partnerships.models import DocumentFile
from tests.factories import DocumentFactory, make_pdf

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
ACCEL_PREFIX = "/_documents/"
NEVER_CACHE = ("no-cache", "no-store", "must-revalidate", "private")


def upload(document, language="en", pages=2, name="Accordo finale.pdf") -> DocumentFile:
    """A language version uploaded the way the admin and the API do it: measured, then stored."""
    version = DocumentFile(document=document, language=language)
    version.file = ContentFile(make_pdf(pages), name=name)
    version.full_clean()
    version.save()
    return version


def stored_version(document, name: str, content: bytes, language="en") -> DocumentFile:
    """A version whose file is already in storage under ``name`` (restored, or imported)."""
    return DocumentFile.objects.create(
        document=document,
        language=language,
        file=name,
        file_format=DocumentFile.Format.PDF,
        size_bytes=len(content),
        page_count=1,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def download_url(document, language="en") -> str:
    return reverse("partnerships:document_download", args=[document.slug, language])


def assert_never_cached(response):
    control = response["Cache-Control"]
    assert all(word in control for word in NEVER_CACHE), control
    assert response.has_header("Expires")


# File system, streamed by the worker.


def test_the_file_system_backend_keeps_uploads_where_storages_points_and_streams_them(
    client, settings, tmp_path
):
    elsewhere = tmp_path / "documents-elsewhere"
    settings.MEDIA_ROOT = tmp_path / "media-unused"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(elsewhere)},
        },
    }
    document = DocumentFactory(slug="skills-agreement")
    version = upload(document, pages=3)

    stored = elsewhere / version.file.name
    assert stored.is_file()
    assert not settings.MEDIA_ROOT.exists()
    assert version.size_bytes == stored.stat().st_size

    response = client.get(download_url(document))
    assert response.status_code == 200
    assert response.streaming
    assert b"".join(response.streaming_content) == stored.read_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="skills-agreement-en.pdf"'
    assert not response.has_header("X-Accel-Redirect")


def test_a_file_missing_from_the_disk_is_not_found_when_streamed(client):
    document = DocumentFactory()
    version = upload(document)
    default_storage.delete(version.file.name)
    assert client.get(download_url(document)).status_code == 404


# File system behind nginx: X-Accel-Redirect.


@pytest.fixture
def accel(settings):
    settings.DOCUMENT_ACCEL_REDIRECT = ACCEL_PREFIX
    return settings


def served_by_nginx(response, media_root: Path) -> Path:
    """The file nginx sends for this response: the header's path under the internal location."""
    target = response["X-Accel-Redirect"]
    assert target.startswith(ACCEL_PREFIX)
    return Path(media_root) / unquote(target.removeprefix(ACCEL_PREFIX))


def test_a_published_document_is_handed_to_nginx_with_its_name_and_type(client, accel):
    document = DocumentFactory(slug="skills-agreement")
    version = upload(document, language="it")

    response = client.get(download_url(document, "it"))
    assert response.status_code == 200
    assert not response.streaming
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="skills-agreement-it.pdf"'
    path = served_by_nginx(response, accel.MEDIA_ROOT)
    assert path.is_file()
    assert path.read_bytes() == version.file.open("rb").read()
    assert path.relative_to(accel.MEDIA_ROOT).as_posix() == version.file.name
    # A published document may be kept by browsers, as when the worker streams it.
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_stored_name_nginx_would_misread_is_quoted_in_the_header(client, accel):
    # Names the upload path never makes but a restored archive or an import may hold: a '?'
    # would start a query string and a '%' an escape if the path went unquoted.
    content = make_pdf()
    name = default_storage.save(
        "documents/legacy/Accordo finale?v=2 100%.pdf", ContentFile(content)
    )
    document = DocumentFactory()
    stored_version(document, name, content)

    response = client.get(download_url(document))
    assert response.status_code == 200
    target = response["X-Accel-Redirect"]
    assert "?" not in target and " " not in target
    assert target == ACCEL_PREFIX + "documents/legacy/Accordo%20finale%3Fv%3D2%20100%25.pdf"
    assert served_by_nginx(response, accel.MEDIA_ROOT).read_bytes() == content


def test_a_draft_is_not_found_for_the_public_and_handed_to_nginx_for_staff_never_cached(
    client, admin_client, accel
):
    document = DocumentFactory(status=PublicationStatus.DRAFT)
    version = upload(document)

    response = client.get(download_url(document))
    assert response.status_code == 404
    assert not response.has_header("X-Accel-Redirect")

    response = admin_client.get(download_url(document))
    assert response.status_code == 200
    assert response.content == b""
    assert served_by_nginx(response, accel.MEDIA_ROOT).read_bytes() == (
        version.file.open("rb").read()
    )
    assert_never_cached(response)


def test_an_unknown_or_missing_language_and_a_missing_file_are_not_found(client, accel):
    document = DocumentFactory()
    version = upload(document, language="de")
    for language in ["xx", "en"]:
        response = client.get(download_url(document, language))
        assert response.status_code == 404, language
        assert not response.has_header("X-Accel-Redirect")
    assert client.get(download_url(document, "de")).status_code == 200

    # Lost from the disk: the portal's 404, not a header pointing nginx at nothing.
    default_storage.delete(version.file.name)
    response = client.get(download_url(document, "de"))
    assert response.status_code == 404
    assert not response.has_header("X-Accel-Redirect")


# Object storage: the settings switch.


def settings_in_subprocess(**variables) -> subprocess.CompletedProcess:
    """Import the settings as a fresh process would, with only these document variables."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DOCUMENT_STORAGE_", "DOCUMENT_ACCEL_", "AWS_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="pactportal.settings",
        ENV_FILE=str(BASE_DIR / "no-such.env"),
        DEBUG="true",
        SECRET_KEY="x",
        **variables,
    )
    script = """
import json
import django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({
    "default": settings.STORAGES["default"],
    "signed": bool(settings.DOCUMENT_STORAGE_BUCKET),
    "class": f"{type(storage).__module__}.{type(storage).__qualname__}",
    "attributes": {
        name: getattr(storage, name, None)
        for name in ["bucket_name", "endpoint_url", "region_name", "location", "default_acl",
                     "querystring_auth", "querystring_expire", "file_overwrite", "access_key"]
    },
}))
"""
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_bucket_switches_documents_to_private_s3_storage_with_short_signed_urls():
    result = settings_in_subprocess(
        DOCUMENT_STORAGE_BUCKET="pact-documents",
        DOCUMENT_STORAGE_ENDPOINT_URL="https://s3.fr-par.scw.cloud",
        DOCUMENT_STORAGE_REGION="fr-par",
        DOCUMENT_STORAGE_ACCESS_KEY_ID="SCWFAKEKEY",
        DOCUMENT_STORAGE_SECRET_ACCESS_KEY="fake-secret",
        DOCUMENT_STORAGE_PREFIX="portal",
        DOCUMENT_STORAGE_URL_SECONDS="120",
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert found["default"]["OPTIONS"] == {
        "bucket_name": "pact-documents",
        "endpoint_url": "https://s3.fr-par.scw.cloud",
        "region_name": "fr-par",
        "access_key": "SCWFAKEKEY",
        "secret_key": "fake-secret",
        "location": "portal",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 120,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    assert found["signed"] is True
    # django-storages accepts every option: the storage is built (no request is made).
    assert found["class"] == "storages.backends.s3.S3Storage"
    assert found["attributes"]["bucket_name"] == "pact-documents"
    assert found["attributes"]["location"] == "portal"
    assert found["attributes"]["querystring_expire"] == 120


def test_credentials_and_endpoint_are_left_to_boto3_when_not_given():
    result = settings_in_subprocess(DOCUMENT_STORAGE_BUCKET="pact-documents")
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout)["default"]["OPTIONS"]
    # An instance or pod role, or the standard AWS_* variables, then provide them.
    assert not {"access_key", "secret_key", "endpoint_url", "region_name"} & set(options)
    assert options["querystring_expire"] == 300
    assert options["location"] == ""


def test_an_empty_acl_sends_none_for_buckets_whose_acls_are_disabled():
    result = settings_in_subprocess(
        DOCUMENT_STORAGE_BUCKET="pact-documents", DOCUMENT_STORAGE_ACL=""
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["attributes"]["default_acl"] is None


def test_without_a_bucket_documents_stay_on_the_file_system():
    result = settings_in_subprocess()
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert found["signed"] is False


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"DOCUMENT_ACCEL_REDIRECT": "_documents"}, "starts and ends with '/'"),
        (
            {"DOCUMENT_ACCEL_REDIRECT": ACCEL_PREFIX, "DOCUMENT_STORAGE_BUCKET": "pact-documents"},
            "Set one of them",
        ),
    ],
)
def test_settings_refuse_an_accel_prefix_nginx_could_not_map(variables, message):
    result = settings_in_subprocess(**variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


# Object storage: the signed redirect.


@pytest.fixture
def object_storage(settings, monkeypatch):
    """S3Storage with fake credentials against a local address nothing listens on.

    Signing a URL is computed locally. Any connection attempt from Python is refused and
    recorded, and fails the test even if something caught the error (botocore wraps it);
    PostgreSQL goes through libpq, not Python sockets.
    """
    attempts = []

    def no_network(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"a network connection was attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "pact-documents",
                "endpoint_url": "http://127.0.0.1:9",
                "region_name": "eu-west-1",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "access_key": "AKIAFAKEFAKEFAKE",
                "secret_key": "fake-secret",
                "location": "portal",
                "default_acl": "private",
                "querystring_expire": 3600,
                "file_overwrite": False,
            },
        },
    }
    settings.DOCUMENT_STORAGE_BUCKET = "pact-documents"
    settings.DOCUMENT_STORAGE_URL_SECONDS = 300
    yield settings
    assert attempts == []


def object_name(document) -> str:
    """A version whose PDF is in the bucket already (putting it there would need the store)."""
    name = "documents/2025/06/0123456789abcdef0123456789abcdef/accordo-finale.pdf"
    stored_version(document, name, make_pdf())
    return name


def signed_location(response) -> tuple[str, str, dict[str, str]]:
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    return location.netloc, location.path, query


def test_object_storage_downloads_redirect_to_a_short_signed_url_that_names_the_file(
    client, object_storage
):
    document = DocumentFactory(slug="skills-agreement")
    name = object_name(document)

    response = client.get(download_url(document))
    host, path, query = signed_location(response)
    assert host == "127.0.0.1:9"
    assert path == f"/pact-documents/portal/{name}"
    assert query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert query["X-Amz-Credential"].startswith("AKIAFAKEFAKEFAKE/")
    assert re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"])
    # DOCUMENT_STORAGE_URL_SECONDS, not the storage's own longer expiry.
    assert query["X-Amz-Expires"] == "300"
    assert query["response-content-disposition"] == 'attachment; filename="skills-agreement-en.pdf"'
    assert query["response-content-type"] == "application/pdf"
    # The address expires: the redirect itself is never kept.
    assert_never_cached(response)


def test_object_storage_drafts_are_not_found_for_the_public_and_signed_for_staff(
    client, admin_client, object_storage
):
    document = DocumentFactory(status=PublicationStatus.DRAFT)
    name = object_name(document)

    response = client.get(download_url(document))
    assert response.status_code == 404
    assert not response.has_header("Location")

    response = admin_client.get(download_url(document))
    _host, path, query = signed_location(response)
    assert path.endswith(name)
    assert "X-Amz-Signature" in query
    assert_never_cached(response)
