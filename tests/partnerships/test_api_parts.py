"""The token API writes the parts of records: memberships, areas and language versions."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import PublicationStatus
from partnerships.models import DocumentFile, Membership
from tests.factories import (
    DocumentFactory,
    DocumentFileFactory,
    OrganisationFactory,
    PartnershipFactory,
    make_pdf,
)
from tests.security.curators import curator_client

pytestmark = pytest.mark.django_db

API = "/api/v1"


def test_a_curator_adds_changes_and_removes_a_member_with_a_token():
    partnership = PartnershipFactory(slug="open", regional=True, scope="regional")
    OrganisationFactory(slug="its")
    client = curator_client()

    added = client.post(
        f"{API}/memberships/",
        {"partnership": "open", "organisation": "its", "role": "founder", "named": "2023-04"},
        format="json",
    )
    assert added.status_code == 201, added.json()
    # The public page and the partnership's members in the API show it.
    members = APIClient().get(f"{API}/partnerships/open/members/").json()["results"]
    assert [(m["organisation"]["slug"], m["role"]) for m in members] == [("its", "founder")]

    # The model's rules: the same organisation twice, a role the portal does not know.
    again = client.post(
        f"{API}/memberships/", {"partnership": "open", "organisation": "its"}, format="json"
    )
    unknown = client.patch(added.json()["url"], {"role": "sponsor"}, format="json")
    assert again.status_code == 400 and "already a member" in str(again.json())
    assert unknown.status_code == 400 and "role" in unknown.json()["errors"]

    changed = client.patch(added.json()["url"], {"role": "coordinator"}, format="json")
    assert changed.status_code == 200 and changed.json()["role"] == "coordinator"
    assert client.delete(added.json()["url"]).status_code == 204
    assert not partnership.memberships.exists()


def test_parts_take_the_admins_rights_and_drafts_stay_hidden():
    draft = PartnershipFactory(slug="draft", status=PublicationStatus.DRAFT)
    Membership.objects.create(partnership=draft, organisation=OrganisationFactory(slug="o"))
    body = {"partnership": "draft", "organisation": "o"}
    # Staff with the right to add memberships but not to change partnerships: the admin's
    # inline would not let them either.
    user = get_user_model().objects.create_user("helper", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_membership", "view_membership"])
    )
    helper = APIClient()
    helper.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    assert APIClient().post(f"{API}/memberships/", body, format="json").status_code == 401
    assert helper.post(f"{API}/memberships/", body, format="json").status_code == 403
    assert APIClient().get(f"{API}/memberships/").json()["count"] == 0
    assert curator_client().get(f"{API}/memberships/").json()["count"] == 1


def test_a_curator_writes_areas_and_replaces_a_language_version():
    client = curator_client()
    area = client.post(
        f"{API}/areas/",
        {"slug": "thessaly", "name": "Thessaly", "nuts_code": "EL61"},
        format="json",
    )
    both = client.post(
        f"{API}/areas/",
        {"slug": "bavaria", "name": "Bavaria", "country": "IT", "nuts_code": "DE2"},
        format="json",
    )
    assert area.status_code == 201, area.json()
    assert area.json()["country"]["code"] == "GR"  # from the code's prefix
    assert both.status_code == 400 and "country" in both.json()["errors"]
    # A change the record's rules refuse with what it holds: a country its code is not in.
    clash = client.patch(f"{API}/areas/thessaly/", {"country": "IT"}, format="json")
    assert clash.status_code == 409 and "nuts_code" in clash.json()["errors"]
    assert client.delete(f"{API}/areas/thessaly/").status_code == 204

    DocumentFileFactory(document=DocumentFactory(slug="agreement"), language="fr")
    url = f"{API}/documents/agreement/versions/fr/"
    pdf = SimpleUploadedFile("accord.pdf", make_pdf(pages=2), content_type="application/pdf")
    replaced = client.put(url, {"file": pdf}, format="multipart")
    assert replaced.status_code == 200, replaced.json()
    version = DocumentFile.objects.get(language="fr")
    assert (version.external_url, version.page_count, bool(version.file)) == ("", 2, True)
    fake = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
    assert client.put(url, {"file": fake}, format="multipart").status_code == 400
    link = client.put(
        url, {"external_url": "https://example.eu/accord", "file_format": "html"}, format="json"
    )
    assert link.status_code == 200, link.json()
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
