"""The French and German catalogues translate every interface string, and ship compiled."""

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"
# What makemessages reads: the project's own apps and the templates.
SOURCES = [
    *(
        Path(config.path).name
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR)
    ),
    "templates",
]
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\{ ?\w+ ?\}\}")
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def key(entry) -> tuple:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[tuple, polib.POEntry]:
    """Every interface string in the code today, extracted the way makemessages does it.

    It runs on a copy of the sources, so the committed catalogues are never rewritten.
    """
    copy = tmp_path_factory.mktemp("sources")
    for name in SOURCES:
        shutil.copytree(
            Path(settings.BASE_DIR) / name,
            copy / name,
            ignore=shutil.ignore_patterns("__pycache__", "migrations", "node_modules"),
        )
    (copy / "locale").mkdir()
    cwd = Path.cwd()
    # makemessages reads the folder it runs in and writes to LOCALE_PATHS.
    os.chdir(copy)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(settings, "LOCALE_PATHS", [copy / "locale"])
            call_command("makemessages", locale=["fr"], verbosity=0)
    finally:
        os.chdir(cwd)
    return {key(e): e for e in polib.pofile(str(copy / "locale/fr/LC_MESSAGES/django.po"))}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_interface_string_is_translated(extracted, language):
    catalogue = {key(e): e for e in polib.pofile(str(LOCALE / language / "LC_MESSAGES/django.po"))}
    missing = [k[1] for k in extracted if k not in catalogue]
    untranslated = [
        e.msgid
        for k, e in catalogue.items()
        if k in extracted and (not e.translated() or "fuzzy" in e.flags)
    ]
    assert not missing, f"{language}: not in the catalogue (run makemessages): {missing}"
    assert not untranslated, f"{language}: not translated yet: {untranslated}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder(language):
    """A translation that drops or misspells ``%(name)s`` would fail when the page renders."""
    wrong = []
    for entry in polib.pofile(str(LOCALE / language / "LC_MESSAGES/django.po")):
        # A singular form may leave out the count ("This record…"), never add a name.
        least = set(PLACEHOLDER.findall(entry.msgid))
        most = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text and not least <= set(PLACEHOLDER.findall(text)) <= most:
                wrong.append((entry.msgid, text))
    assert not wrong


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_matches_its_source(language, tmp_path):
    """The committed .mo file is the .po file compiled: nobody forgot compilemessages."""
    folder = LOCALE / language / "LC_MESSAGES"
    polib.pofile(str(folder / "django.po")).save_as_mofile(str(tmp_path / "django.mo"))

    def entries(path):
        return {
            (e.msgid, e.msgid_plural): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in polib.mofile(str(path))
            if e.msgid
        }

    assert entries(folder / "django.mo") == entries(tmp_path / "django.mo")
