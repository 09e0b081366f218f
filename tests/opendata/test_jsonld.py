"""schema.org JSON-LD on every public detail page: valid by the vocabulary, never a draft, inside
the Content-Security-Policy."""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from alliances.models import Alliance
from core.models import PublicationStatus
from tests.factories import (
    DocumentFactory,
    DocumentFileFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
)

TERMS = json.loads((Path(__file__).parent / "schemaorg_terms.json").read_text())
BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def ancestors(type_name: str) -> set[str]:
    found = set()
    while type_name:
        found.add(type_name)
        type_name = TERMS["types"][type_name]
    return found


def problems(node, path="$") -> list[str]:
    """Each node's type is a schema.org type, each property one schema.org gives that type."""
    if isinstance(node, list):
        return [p for i, item in enumerate(node) for p in problems(item, f"{path}[{i}]")]
    if not isinstance(node, dict):
        return []
    found = []
    types = node.get("@type")
    if types not in TERMS["types"]:
        return [f"{path}: unknown type {types!r}"]
    for name, value in node.items():
        if name.startswith("@"):
            continue
        domains = TERMS["properties"].get(name)
        if domains is None:
            found.append(f"{path}.{name}: not a schema.org property in the list")
        elif not ancestors(types) & set(domains):
            found.append(f"{path}.{name}: not a property of {types}")
        found += problems(value, f"{path}.{name}")
    return found


def json_ld(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    blocks = BLOCK.findall(response.content.decode())
    assert len(blocks) == 1, url
    assert csp_directive(response, "script-src") == "'self'"
    data = json.loads(blocks[0])
    assert data.pop("@context") == "https://schema.org"
    assert problems(data) == []
    return data


def csp_directive(response, name) -> str:
    policy = dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )
    return policy[name]


@pytest.fixture
def partnership(db):
    partnership = PartnershipFactory(
        name="Skills for <b>Tomorrow</b>", launched_on="2022-12-01", launched_on_precision="month"
    )
    partnership.countries.set(["IT", "FR"])
    MembershipFactory(partnership=partnership, organisation=OrganisationFactory(name="Member"))
    hidden = OrganisationFactory(status=PublicationStatus.DRAFT, name="Hidden member")
    MembershipFactory(partnership=partnership, organisation=hidden)
    DocumentFactory(partnership=partnership, title="Its agreement")
    DocumentFactory(partnership=partnership, title="Draft paper", status=PublicationStatus.DRAFT)
    return partnership


def test_a_partnership_is_an_organization_with_its_members(client, partnership):
    data = json_ld(client, partnership.get_absolute_url())
    assert data["@type"] == "Organization"
    assert [m["name"] for m in data["member"]] == ["Member"]
    assert [d["name"] for d in data["subjectOf"]] == ["Its agreement"]
    assert data["foundingDate"] == "2022-12"
    assert {c["identifier"] for c in data["areaServed"]} == {"FR", "IT"}
    assert data["name"] == "Skills for <b>Tomorrow</b>"


def test_the_block_cannot_end_the_script_element(client, partnership):
    html = client.get(partnership.get_absolute_url()).content.decode()
    block = BLOCK.search(html).group(1)
    assert "<" not in block and ">" not in block


def test_an_organisation_is_a_member_of_its_published_partnerships(client, partnership):
    organisation = partnership.memberships.get(organisation__name="Member").organisation
    organisation.pic = "123456789"
    organisation.save()
    draft = PartnershipFactory(status=PublicationStatus.DRAFT, name="Draft partnership")
    MembershipFactory(partnership=draft, organisation=organisation)
    data = json_ld(client, organisation.get_absolute_url())
    assert [p["name"] for p in data["memberOf"]] == [partnership.name]
    assert data["address"]["addressCountry"] == "IT"
    assert data["identifier"]["value"] == "123456789"


def test_a_document_is_a_digital_document_with_its_files(client, db):
    draft = PartnershipFactory(status=PublicationStatus.DRAFT, name="Draft partnership")
    document = DocumentFactory(partnership=draft, issued_on="2023-04-24", issued_on_precision="day")
    DocumentFileFactory(document=document, language="fr")
    data = json_ld(client, document.get_absolute_url())
    assert data["@type"] == "DigitalDocument"
    assert data["datePublished"] == "2023-04-24"
    assert data["encoding"][0]["inLanguage"] == "fr"
    assert "about" not in data  # its partnership is a draft


def test_an_alliance_ecosystem_and_the_figures(client, pact_data):
    alliance = Alliance.objects.published().first()
    data = json_ld(client, alliance.get_absolute_url())
    assert data["@type"] == "Organization"
    assert data["alternateName"] == alliance.acronym
    data = json_ld(client, reverse("ecosystems:detail", args=["digital"]))
    assert data["@type"] == "CollectionPage"
    data = json_ld(client, reverse("figures:index"))
    assert data["@type"] == "Dataset"
    assert all(d["contentUrl"].endswith(".csv") for d in data["distribution"])


def test_numbers_are_never_localised(client, db):
    document = DocumentFactory()
    version = DocumentFileFactory(document=document)
    type(version).objects.filter(pk=version.pk).update(size_bytes=1234567)
    for language in ("en", "fr", "de"):
        with_prefix = f"/{language}" + document.get_absolute_url()[3:]
        data = json_ld(client, with_prefix)
        assert data["encoding"][0]["contentSize"] == "1234567 B"
