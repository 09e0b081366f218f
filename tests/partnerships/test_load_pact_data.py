import copy
import io
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Q

from ecosystems.models import Ecosystem
from figures.models import OfficialFigure
from pactportal.management.commands.load_pact_data import DEFAULT_DATA_FILE, DEFAULT_MEMBERS_FILE
from partnerships.models import (
    Document,
    DocumentFile,
    Membership,
    Organisation,
    Partnership,
    Region,
)
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

DATA = json.loads(DEFAULT_DATA_FILE.read_text(encoding="utf-8"))
MEMBERS = json.loads(DEFAULT_MEMBERS_FILE.read_text(encoding="utf-8"))


def load(path=None, *args):
    out = io.StringIO()
    call_command("load_pact_data", *args, *(["--file", str(path)] if path else []), stdout=out)
    return out.getvalue()


def table_sizes():
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Partnership, Membership, Region, Document, DocumentFile)
    }


def write(tmp_path, data):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_loads_every_record_of_the_data_file():
    output = load()

    assert Ecosystem.objects.count() == 14
    assert Partnership.objects.count() == len(DATA["partnerships"]) == 33
    assert Partnership.objects.large_scale().count() == 20
    assert Partnership.objects.regional().count() == 13
    # The members file adds the organisations public sources name, none of them twice.
    assert Organisation.objects.count() == len(DATA["organisations"]) + len(
        MEMBERS["organisations"]
    )
    assert Document.objects.count() == len(DATA["documents"]) == 23
    assert DocumentFile.objects.count() == sum(len(d["versions"]) for d in DATA["documents"])
    assert Membership.objects.count() == len(
        {(p["slug"], m["organisation"]) for p in DATA["partnerships"] for m in p["members"]}
        | {(m["partnership"], m["organisation"]) for m in MEMBERS["memberships"]}
    )
    assert Partnership.objects.published().count() == 33
    assert Document.objects.published().count() == 23
    assert "Partnerships: 33 created, 0 updated, 0 unchanged" in output
    assert "Ecosystems: 0 created, 14 updated" in output


# The tests that only read what a load wrote take the ``pact_data`` fixture: the rows of one
# load, restored by COPY, instead of loading the file again.
def test_loaded_records_keep_the_facts_and_their_sources(pact_data):
    lombardy = Partnership.objects.get(slug="lombardy-regional-skills-partnership")
    assert lombardy.kind == "regional" and lombardy.scope == "regional"
    assert list(lombardy.countries.values_list("code", flat=True)) == ["IT"]
    assert [(r.name, r.nuts_code) for r in lombardy.regions.all()] == [("Lombardy", "ITC4")]
    assert lombardy.launched.isoformat() == "2022-12"
    assert str(lombardy.launched) == "December 2022"
    assert lombardy.agreement_signed.isoformat() == "2023-04-24"
    assert set(lombardy.linked_ecosystems.values_list("slug", flat=True)) == {
        "health",
        "energy-intensive-industries",
        "cultural-creative-industries",
    }
    assert lombardy.members.get().name == "Regione Lombardia"
    assert lombardy.source_url.startswith("https://pact-for-skills.ec.europa.eu/")
    assert len(lombardy.pledged_items) == 3

    automotive = Partnership.objects.get(slug="automotive-skills-alliance")
    assert automotive.ecosystem.slug == "mobility-transport-automotive"
    assert (automotive.commitment_people, automotive.commitment_target_year) == (700000, 2030)
    assert automotive.launched.isoformat() == "2020-11-10"

    offshore = Partnership.objects.get(slug="offshore-renewable-energy-partnership")
    assert offshore.launched.isoformat() == "2021"  # only the year is known, and kept so

    agreement = Document.objects.get(slug="rsp-chemical-agreement")
    english = agreement.files.get()
    # Its link opens the Pact's listing page, not the PDF: a web page, with no size of its own.
    assert english.language == "en" and english.file_format == "html"
    assert english.size_bytes is None and english.label == "English (web page)"
    assert agreement.partnership.slug == "chemical-regions-skills-partnership"

    construction = Partnership.objects.get(slug="construction-skills-partnership")
    coordinators = construction.memberships.filter(role="coordinator")
    assert set(coordinators.values_list("organisation__slug", flat=True)) == {
        "fiec",
        "efbww",
        "ebc",
    }
    # The members file names more, each with the page that names it.
    assert construction.members.count() > 3
    assert not construction.memberships.filter(source_url="").exists()


def test_confidence_coverage_and_launch_notes_come_from_the_research(pact_data):
    assert Partnership.objects.large_scale().exclude(coverage="eu-wide").count() == 0
    assert Partnership.objects.regional().exclude(coverage="regions").count() == 0
    assert set(
        Partnership.objects.filter(confidence="unconfirmed").values_list("slug", flat=True)
    ) == {"sud-italia-skills-partnership", "pomeranian-partnership-for-skills"}
    assert not Partnership.objects.exclude(confidence="confirmed").filter(confidence_note="")
    assert Document.objects.get(slug="tclf-pact-paper").confidence == "reported"
    # The agreement-date note is not a launch note.
    assert not Partnership.objects.filter(launch_note__icontains="agreement date").exists()
    construction = Partnership.objects.get(slug="construction-skills-partnership")
    assert (construction.commitment_basis, construction.commitment_years) == ("total", 5)


def test_the_official_figures_are_loaded_once_each_with_date_and_source(pact_data):
    assert OfficialFigure.objects.count() == len(DATA["official_figures"]) == 21
    assert not OfficialFigure.objects.filter(Q(source_url="") | Q(publisher="")).exists()
    members = OfficialFigure.objects.get(slug="2025-05-19-members")
    assert (members.value, members.qualifier, members.stated.isoformat()) == (
        3200,
        "more-than",
        "2025-05-19",
    )


def test_a_second_load_changes_nothing(pact_data):
    before = {
        model.__name__: list(model.objects.order_by("pk").values_list("pk", "updated_at"))
        for model in (Ecosystem, Organisation, Partnership, Document, DocumentFile, OfficialFigure)
    }
    output = load()
    after = {
        model.__name__: list(model.objects.order_by("pk").values_list("pk", "updated_at"))
        for model in (Ecosystem, Organisation, Partnership, Document, DocumentFile, OfficialFigure)
    }
    assert after == before
    counted = [line for line in output.splitlines() if " created, " in line]
    assert counted and all(": 0 created, 0 updated, " in line for line in counted)
    assert "Official figures: 0 created, 0 updated, 21 unchanged" in output
    assert "already loaded; no changes" in output


def test_a_changed_record_is_updated_in_place(pact_data, tmp_path):
    data = copy.deepcopy(DATA)
    record = next(p for p in data["partnerships"] if p["slug"] == "tourism-skills-partnership")
    record["commitment"]["people"] = 1234
    output = load(write(tmp_path, data))
    assert "Partnerships: 0 created, 1 updated, 32 unchanged" in output
    assert Partnership.objects.get(slug="tourism-skills-partnership").commitment_people == 1234


def test_curators_additions_survive_a_reload(pact_data):
    partnership = Partnership.objects.get(slug="digital-skills-partnership")
    named = partnership.memberships.count()
    MembershipFactory(partnership=partnership, organisation=OrganisationFactory())
    partnership.countries.add("MT")
    load()
    assert partnership.memberships.count() == named + 1
    assert "MT" in partnership.countries.values_list("code", flat=True)


@pytest.mark.parametrize(
    ("section", "slug", "change", "message"),
    [
        ("documents", "essa-d62", {"kind": "poster"}, "kind"),
        ("partnerships", "pomeranian-partnership-for-skills", {"scope": None}, "scope"),
        ("partnerships", "space4geo", {"ecosystem": "space"}, "unknown ecosystem “space”"),
        ("partnerships", "thessaly-twin-transition", {"countries": ["EL"]}, "country code “EL”"),
        ("documents", "sam-roadmap", {"published": "2021-02-30"}, "not a real calendar date"),
        ("organisations", "uni-europa", {"type": None}, "type"),
        ("partnerships", "retail-wholesale-skills-partnership", {"commitment": None}, "malformed"),
    ],
)
def test_a_broken_record_aborts_the_whole_load(tmp_path, section, slug, change, message):
    data = copy.deepcopy(DATA)
    position, record = next(
        (i, r) for i, r in enumerate(data[section], start=1) if r["slug"] == slug
    )
    record.update(change)

    with pytest.raises(CommandError) as excinfo:
        load(write(tmp_path, data))

    text = str(excinfo.value)
    assert text.startswith("Nothing was loaded.")
    assert f"{section} record {position} ({slug})" in text
    assert message in text
    assert table_sizes() == dict.fromkeys(table_sizes(), 0)
    assert not Ecosystem.objects.exclude(description="").exists()


def test_a_large_scale_partnership_with_linked_ecosystems_is_refused(tmp_path):
    data = copy.deepcopy(DATA)
    data["partnerships"][0]["linked_ecosystems"] = ["health"]
    with pytest.raises(CommandError, match="cannot have linked ecosystems"):
        load(write(tmp_path, data))
    assert not Partnership.objects.exists()


def test_unreadable_files_are_reported_clearly(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format_version": 1,\n "ecosystems": [}', encoding="utf-8")
    with pytest.raises(CommandError, match=r"not valid JSON \(line 2, column 17\)"):
        load(broken)
    with pytest.raises(CommandError, match="Cannot read"):
        load(tmp_path / "missing.json")
    with pytest.raises(CommandError, match="format_version 1"):
        load(write(tmp_path, {"format_version": 2}))


def test_dry_run_reports_but_writes_nothing():
    output = load(None, "--dry-run")
    assert "Partnerships: 33 created" in output
    assert "Dry run: nothing was written." in output
    assert not Partnership.objects.exists()
    assert not Ecosystem.objects.exclude(description="").exists()


def test_every_partnership_and_document_cites_its_source(pact_data):
    assert not Partnership.objects.filter(source_url="").exists()
    assert not Document.objects.filter(source_url="").exists()
    assert not Ecosystem.objects.filter(source_url="").exists()
    assert not Organisation.objects.filter(source_url="").exists()


def test_an_unmigrated_database_is_reported_not_crashed_on(empty_database_url):
    result = subprocess.run(
        [sys.executable, "manage.py", "load_pact_data"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": empty_database_url, "ENV_FILE": "/nonexistent"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "unapplied migrations. Run 'manage.py migrate' first." in result.stderr
    assert "Traceback" not in result.stderr
