"""The bulk ZIP: a valid Frictionless Data Package, the API's counts, never a draft."""

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.models import PublicationStatus
from opendata import bulk
from opendata.datasets import DATASETS
from tests.factories import (
    DocumentFactory,
    DocumentFileFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
)


@pytest.fixture
def frictionless():
    """The frictionless library, imported here rather than with the module: loading its CSV
    parser raises the csv module's field size limit for the whole process, and other tests
    (tests/security/test_hostile_input.py) rely on the default. Put back after each test."""
    limit = csv.field_size_limit()
    import frictionless

    yield frictionless
    csv.field_size_limit(limit)


@pytest.fixture
def content(pact_data):
    """The real data, plus drafts linked to published records, both ways."""
    draft_partnership = PartnershipFactory(status=PublicationStatus.DRAFT, name="Draft LSP")
    draft_organisation = OrganisationFactory(status=PublicationStatus.DRAFT, name="Draft org")
    published = PartnershipFactory(name="Published LSP")
    MembershipFactory(partnership=published, organisation=draft_organisation)
    MembershipFactory(partnership=draft_partnership, organisation=OrganisationFactory())
    OrganisationFactory(slug="placed-in-lombardy", region_id="ITC4")
    DocumentFileFactory(document=DocumentFactory(partnership=draft_partnership))
    DocumentFileFactory(document=DocumentFactory(status=PublicationStatus.DRAFT, title="Draft"))
    return {"draft_partnership": draft_partnership, "draft_organisation": draft_organisation}


@pytest.fixture
def unpacked(content, tmp_path):
    target = tmp_path / "open-data.zip"
    call_command("export_open_data", output=str(target), stdout=io.StringIO())
    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(target) as archive:
        archive.extractall(folder)
    return folder


def test_the_zip_is_a_valid_data_package(unpacked, frictionless):
    report = frictionless.validate(str(unpacked / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_every_column_is_described(unpacked, frictionless):
    package = frictionless.Package(str(unpacked / "datapackage.json"))
    for dataset in DATASETS:
        resource = package.get_resource(dataset.name)
        fields = {f.name: f for f in resource.schema.fields}
        assert list(fields) == [c.name for c in dataset.columns]
        assert all(f.description and f.type for f in fields.values())
    partnerships = package.get_resource("partnerships").schema
    assert partnerships.get_field("commitment_people").to_dict()["unit"] == "people"
    assert partnerships.get_field("kind").constraints["enum"] == ["large-scale", "regional"]


def test_an_organisations_region_is_its_nuts_code(unpacked):
    with open(unpacked / "organisations.csv", newline="", encoding="utf-8") as f:
        regions = {row["slug"]: row["region"] for row in csv.DictReader(f)}
    assert regions["placed-in-lombardy"] == "ITC4"
    # Where it is not known the cell is empty, as the package's missing value says.
    assert {value for slug, value in regions.items() if slug != "placed-in-lombardy"} == {""}


def test_row_counts_equal_the_apis(unpacked, client):
    for dataset in DATASETS:
        with open(unpacked / f"{dataset.name}.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        records = json.loads((unpacked / f"{dataset.name}.json").read_text())
        assert len(rows) == len(records)
        if dataset.api_list:
            api = client.get(reverse(dataset.api_list), {"page_size": 1}).json()
            assert len(rows) == api["count"], dataset.name


def test_no_draft_is_in_the_zip(unpacked, content):
    text = "\n".join(p.read_text() for p in unpacked.iterdir())
    assert "Draft LSP" not in text
    assert "Draft org" not in text
    ids = {name: {row["id"] for row in read(unpacked, name)} for name in ("partnerships",)}
    assert content["draft_partnership"].pk not in ids["partnerships"]
    members = read(unpacked, "memberships")
    assert all(m["organisation"] != content["draft_organisation"].pk for m in members)
    assert all(m["partnership"] != content["draft_partnership"].pk for m in members)
    # A published document of a draft partnership keeps its place, without the reference.
    documents = read(unpacked, "documents")
    assert all(d["partnership"] != content["draft_partnership"].pk for d in documents)


def read(folder, name):
    return json.loads((folder / f"{name}.json").read_text())


def test_the_data_page_shows_the_latest_zip_in_each_language(content, client):
    assert "not been written yet" in client.get("/en/data/").content.decode()
    archive = bulk.publish_archive()
    for language, word in (("en", "Download"), ("fr", "Télécharger"), ("de", "herunterladen")):
        page = client.get(f"/{language}/data/").content.decode()
        assert word in page
        assert timezone.localtime(archive.created).isoformat() in page
    download = client.get(reverse("opendata:archive"))
    assert download["Content-Type"] == "application/zip"
    assert len(b"".join(download.streaming_content)) == archive.size


def test_only_the_newest_archives_are_kept(db, settings):
    settings.OPEN_DATA_KEEP_ARCHIVES = 1
    bulk.publish_archive()
    bulk.publish_archive()
    assert len(bulk.archives()) == 1
