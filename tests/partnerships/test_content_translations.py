"""The partnerships' and documents' own texts in French and German (``translations.json``).

The first test is the one that fails when a published record lacks a translation: it walks
every published partnership and document after the real data is loaded.
"""

import copy
import html
import io
import json
import re

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from alliances.models import Alliance
from pactportal.management.commands.load_pact_data import DEFAULT_DATA_FILE
from partnerships.content_translations import (
    TRANSLATIONS_FILE_NAME,
    fingerprint,
    other_languages,
    translated_fields,
)
from partnerships.models import Document, Organisation, Partnership

pytestmark = pytest.mark.django_db

DATA = json.loads(DEFAULT_DATA_FILE.read_text(encoding="utf-8"))
TRANSLATIONS_FILE = DEFAULT_DATA_FILE.with_name(TRANSLATIONS_FILE_NAME)
TRANSLATIONS = json.loads(TRANSLATIONS_FILE.read_text(encoding="utf-8"))
ENGLISH = settings.LANGUAGE_CODE
LSP = "automotive-skills-alliance"
RSP = "lombardy-regional-skills-partnership"


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_pact_data", *args, stdout=out)
    return out.getvalue()


def write(tmp_path, data=DATA, translations=TRANSLATIONS) -> tuple[str, str]:
    """A copy of the data file with its translations beside it, as the load finds them."""
    data_file = tmp_path / "data.json"
    data_file.write_text(json.dumps(data), encoding="utf-8")
    translations_file = tmp_path / TRANSLATIONS_FILE_NAME
    translations_file.write_text(json.dumps(translations), encoding="utf-8")
    return str(data_file), str(translations_file)


def meta_description(page: str) -> str:
    found = re.search(r'<meta name="description" content="([^"]*)">', page)
    assert found, "the page has no meta description"
    return html.unescape(found.group(1))


def get(client, view: str, language: str, *args, query: str = "") -> str:
    with translation.override(language):
        address = reverse(view, args=args) + query
    response = client.get(address)
    assert response.status_code == 200, address
    return response.content.decode()


def columns(record, field: str) -> dict[str, str | None]:
    return {code: getattr(record, f"{field}_{code}") for code, _name in settings.LANGUAGES}


@pytest.mark.parametrize("model", [Partnership, Document])
def test_every_published_record_has_its_texts_in_french_and_german(pact_data, model):
    """Fails for each published record whose English prose has no French or German version."""
    missing = [
        f"{record.slug}: {field}_{language}"
        for record in model.objects.published()
        for field in translated_fields(model)
        if getattr(record, f"{field}_{ENGLISH}")
        for language in other_languages()
        if not (getattr(record, f"{field}_{language}") or "").strip()
    ]
    section = {Partnership: "partnerships", Document: "documents"}[model]
    assert model.objects.published().count() == len(DATA[section])
    assert missing == []


def test_the_translated_prose_fields_are_the_ones_the_pages_show():
    assert translated_fields(Partnership) == (
        "summary",
        "description",
        "launch_note",
        "commitment_pledge",
        "reported_membership",
    )
    assert translated_fields(Document) == ("title", "description")


def test_each_translation_is_of_the_english_text_the_data_file_holds():
    """A translation whose English has changed is left out by the load; none should be."""
    english = {
        "partnerships": {
            p["slug"]: {
                **p,
                "commitment_pledge": p["commitment"]["pledge"],
            }
            for p in DATA["partnerships"]
        },
        "documents": {d["slug"]: d for d in DATA["documents"]},
    }
    outdated = [
        f"{section} {slug} {field}"
        for section in ("partnerships", "documents")
        for slug, entry in TRANSLATIONS[section].items()
        for field, written_from in entry["english"].items()
        if written_from != fingerprint(english[section][slug][field] or "")
    ]
    assert outdated == []


def test_the_french_and_german_pages_of_a_partnership_read_in_their_language(client, pact_data):
    partnership = Partnership.objects.get(slug=LSP)
    for language in other_languages():
        page = get(client, "partnerships:detail", language, LSP)
        summary = getattr(partnership, f"summary_{language}")
        assert meta_description(page) == summary
        assert html.escape(summary) in page
        for field in ("description", "launch_note", "commitment_pledge", "reported_membership"):
            text = getattr(partnership, f"{field}_{language}")
            assert html.escape(text.splitlines()[0]) in page, (language, field)
        assert html.escape(partnership.summary_en) not in page

    # A regional partnership's pledge is one commitment per line, each an item of its list.
    regional = Partnership.objects.get(slug=RSP)
    page = get(client, "partnerships:detail", "de", RSP)
    for item in regional.commitment_pledge_de.splitlines():
        assert f"<li>{html.escape(item)}</li>" in page


def test_the_french_and_german_pages_of_a_document_read_in_their_language(client, pact_data):
    document = Document.objects.get(slug="annual-survey-2024")
    for language in other_languages():
        page = get(client, "partnerships:document_detail", language, document.slug)
        description = getattr(document, f"description_{language}")
        assert meta_description(page) == description[:159] + "…"
        assert html.escape(getattr(document, f"title_{language}")) in page
        assert html.escape(description) in page


def test_every_kind_of_page_describes_itself_in_the_readers_language(client, pact_data):
    """<meta name="description"> of each page type is in the language of its address."""
    partnership = Partnership.objects.published().get(slug=RSP)
    organisation = Organisation.objects.published().filter(memberships__isnull=False).first()
    document = Document.objects.published().get(slug="rsp-lombardy-agreement")
    alliance = Alliance.objects.published().first()
    pages = [
        ("ecosystems:home", []),
        ("ecosystems:list", []),
        ("ecosystems:detail", ["digital"]),
        ("partnerships:list", []),
        ("partnerships:detail", [partnership.slug]),
        ("partnerships:organisation_list", []),
        ("partnerships:organisation_detail", [organisation.slug]),
        ("partnerships:document_list", []),
        ("partnerships:document_detail", [document.slug]),
        ("partnerships:search", []),
        ("alliances:list", []),
        ("alliances:detail", [alliance.slug]),
        ("alliances:check", []),
        ("figures:index", []),
    ]
    for view, args in pages:
        english = meta_description(get(client, view, "en", *args))
        assert english, view
        for language in other_languages():
            described = meta_description(get(client, view, language, *args))
            assert described and described != english, (view, language, described)


def test_a_second_load_changes_no_translation(pact_data):
    partnership = Partnership.objects.get(slug=LSP)
    output = load()
    assert "Translations of partnerships: 0 created, 0 updated, 33 unchanged" in output
    assert "Translations of documents: 0 created, 0 updated, 23 unchanged" in output
    assert "is already loaded; no changes" in output
    assert Partnership.objects.get(slug=LSP).updated_at == partnership.updated_at


def test_the_first_load_writes_every_translation(db):
    output = load()
    assert "Translations of partnerships: 33 created, 0 updated, 0 unchanged" in output
    assert "Translations of documents: 23 created, 0 updated, 0 unchanged" in output
    assert "Not loaded" not in output


def test_a_dry_run_writes_no_translation(db):
    output = load("--dry-run")
    assert "Translations of partnerships: 33 created" in output
    assert "Dry run: nothing was written." in output
    assert not Partnership.objects.exists()


def test_an_unknown_slug_stops_the_whole_load(tmp_path):
    translations = copy.deepcopy(TRANSLATIONS)
    translations["documents"]["no-such-document"] = translations["documents"]["essa-d62"]
    data_file, _ = write(tmp_path, translations=translations)
    with pytest.raises(CommandError) as error:
        load("--file", data_file)
    assert str(error.value) == (
        "Nothing was loaded. translations of documents “no-such-document”: there is no "
        "document with this slug (it must be in the data file)"
    )
    assert not Partnership.objects.exists() and not Document.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e["fr"].update(slug="x"), "fr.slug is not a translated field"),
        (lambda e: e.update(it={"summary": "Un'alleanza"}), "“it” is not a language to translate"),
        (lambda e: e["english"].pop("summary"), "english.summary is missing"),
        (lambda e: e["de"].update(summary=" "), "de.summary is empty"),
        (lambda e: e["fr"].update(summary="x" * 301), "at most 300 characters"),
    ],
)
def test_a_broken_translation_names_itself_and_stops_the_load(tmp_path, change, message):
    translations = copy.deepcopy(TRANSLATIONS)
    change(translations["partnerships"][LSP])
    _, translations_file = write(tmp_path, translations=translations)
    with pytest.raises(CommandError, match=f"“{LSP}”: .*{re.escape(message)}"):
        load("--translations", translations_file)
    assert not Partnership.objects.exists()


def test_a_translation_of_an_older_english_text_is_not_loaded(tmp_path, pact_data):
    """New English facts must not be shown beside a translation of the old ones."""
    data = copy.deepcopy(DATA)
    record = next(p for p in data["partnerships"] if p["slug"] == LSP)
    record["reported_membership"] = "More than 120 members (as of 2025)"
    data_file, _ = write(tmp_path, data=data)
    output = load("--file", data_file)

    partnership = Partnership.objects.get(slug=LSP)
    assert columns(partnership, "reported_membership") == {
        "en": "More than 120 members (as of 2025)",
        "fr": None,
        "de": None,
    }
    with translation.override("fr"):
        assert partnership.reported_membership == "More than 120 members (as of 2025)"
        assert partnership.summary == TRANSLATIONS["partnerships"][LSP]["fr"]["summary"]
    new = fingerprint("More than 120 members (as of 2025)")
    assert (
        f"Not loaded: translations of partnerships “{LSP}”: fr.reported_membership translates "
        f"an older English text and was not loaded (the English text's fingerprint is now {new})."
    ) in output


def test_a_curators_translation_survives_when_the_files_one_is_outdated(tmp_path, pact_data):
    partnership = Partnership.objects.get(slug=LSP)
    partnership.reported_membership_de = "Mehr als 120 Mitglieder (Stand 2025)"
    partnership.save()
    data = copy.deepcopy(DATA)
    record = next(p for p in data["partnerships"] if p["slug"] == LSP)
    record["reported_membership"] = "More than 120 members (as of 2025)"
    data_file, _ = write(tmp_path, data=data)
    load("--file", data_file)
    partnership.refresh_from_db()
    assert partnership.reported_membership_de == "Mehr als 120 Mitglieder (Stand 2025)"
    assert partnership.reported_membership_fr is None


def test_a_data_file_without_translations_beside_it_loads_none(tmp_path):
    data_file = tmp_path / "data.json"
    data_file.write_text(json.dumps(DATA), encoding="utf-8")
    output = load("--file", str(data_file))
    assert "Translations of" not in output
    assert Partnership.objects.get(slug=LSP).summary_fr is None
