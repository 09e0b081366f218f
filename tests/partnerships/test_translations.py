"""Curated texts per language: edited side by side in the admin, kept by history and the loader."""

import copy
import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from modeltranslation.translator import translator

from ecosystems.models import Ecosystem
from pactportal.management.commands.load_pact_data import DEFAULT_DATA_FILE
from partnerships.models import Document, Partnership
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

DATA = json.loads(DEFAULT_DATA_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def curator_client():
    call_command("create_curator", "--username", "cora", stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.get(username="cora"))
    return client


def change_form_data(client, change_url, **changes):
    form = client.get(change_url).context["adminform"].form
    return {
        **{k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)},
        "linked_ecosystems": [],
        "countries": [],
        "regions": [],
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
        "member_counts-TOTAL_FORMS": 0,
        "member_counts-INITIAL_FORMS": 0,
        "commitments-TOTAL_FORMS": 0,
        "commitments-INITIAL_FORMS": 0,
        **changes,
    }


def test_a_curator_translates_a_summary_and_french_readers_see_it(curator_client):
    partnership = PartnershipFactory(summary="Welding skills for the shipyards.")
    change_url = reverse("admin:partnerships_partnership_change", args=[partnership.pk])
    form_page = curator_client.get(change_url).content.decode()
    # The three languages of each text are one row of the form, side by side.
    assert "form-row field-summary_en field-summary_fr field-summary_de" in form_page
    assert "form-row field-description_en field-description_fr field-description_de" in form_page

    data = change_form_data(
        curator_client,
        change_url,
        summary_fr="Des compétences en soudage pour les chantiers navals.",
        ecosystem=partnership.ecosystem_id,
    )
    response = curator_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    with translation.override("fr"):
        french_page = reverse("partnerships:detail", args=[partnership.slug])
    with translation.override("de"):
        german_page = reverse("partnerships:detail", args=[partnership.slug])
    assert "Des compétences en soudage" in Client().get(french_page).content.decode()
    # German has no translation yet: the English summary stands in.
    assert "Welding skills for the shipyards." in Client().get(german_page).content.decode()

    partnership.refresh_from_db()
    assert partnership.summary_en == "Welding skills for the shipyards."
    latest = partnership.history.latest()
    assert (
        latest.summary_fr.startswith("Des compétences") and latest.history_user.username == "cora"
    )
    assert latest.diff_against(latest.prev_record).changed_fields == ["summary_fr"]


def test_a_curator_edits_an_ecosystem_in_every_language(curator_client):
    digital = Ecosystem.objects.get(slug="digital")
    change_url = reverse("admin:ecosystems_ecosystem_change", args=[digital.pk])
    form = curator_client.get(change_url).context["adminform"].form
    assert {"name_en", "name_fr", "name_de", "description_fr"} <= set(form.fields)
    data = {
        **{k: v for k, v in form.initial.items() if v is not None},
        "name_fr": "Numérique",
        "name_de": "Digitalwirtschaft",
    }
    response = curator_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    digital.refresh_from_db()
    assert (digital.name_en, digital.name_fr, digital.name_de) == (
        "Digital",
        "Numérique",
        "Digitalwirtschaft",
    )


def test_two_ecosystems_cannot_share_a_name_in_any_language(curator_client):
    health = Ecosystem.objects.get(slug="health")
    health.name_fr = "Numérique"
    health.save()
    digital = Ecosystem.objects.get(slug="digital")
    change_url = reverse("admin:ecosystems_ecosystem_change", args=[digital.pk])
    form = curator_client.get(change_url).context["adminform"].form
    data = {**{k: v for k, v in form.initial.items() if v is not None}, "name_fr": "Numérique"}
    response = curator_client.post(change_url, data)
    assert response.status_code == 200
    assert "Another ecosystem already has this name." in response.content.decode()


def test_the_data_file_carries_the_ecosystems_in_three_languages(pact_data):
    digital = Ecosystem.objects.get(slug="digital")
    assert (digital.name_en, digital.name_fr, digital.name_de) == (
        "Digital",
        "Numérique",
        "Digitalwirtschaft",
    )
    for ecosystem in Ecosystem.objects.all():
        for language in ("en", "fr", "de"):
            assert getattr(ecosystem, f"name_{language}"), (ecosystem.slug, language)
            assert getattr(ecosystem, f"description_{language}"), (ecosystem.slug, language)
            sectors = getattr(ecosystem, f"includes_{language}").splitlines()
            assert len(sectors) == len(ecosystem.includes_en.splitlines())
    with translation.override("de"):
        assert Ecosystem.objects.get(slug="health").included_sectors[0] == (
            "Arzneimittel und andere Medizinprodukte"
        )
    assert digital.labour_market_size_fr.startswith("1,2 million d’entreprises")
    # No source gives the electronics workforce, in any language.
    assert not Ecosystem.objects.get(slug="electronics").labour_market_size_fr


def test_a_reload_keeps_translations_the_file_does_not_give(pact_data, tmp_path):
    partnership = Partnership.objects.get(slug="automotive-skills-alliance")
    partnership.summary_fr = "Une alliance de l’industrie automobile."
    partnership.save()
    # The data file alone, without the translations.json that gives every partnership's.
    path = tmp_path / "data.json"
    path.write_text(json.dumps(DATA), encoding="utf-8")
    output = io.StringIO()
    call_command("load_pact_data", "--file", str(path), stdout=output)
    partnership.refresh_from_db()
    assert partnership.summary_fr == "Une alliance de l’industrie automobile."
    assert "is already loaded; no changes" in output.getvalue()


@pytest.mark.parametrize(
    ("translations", "message"),
    [
        ({"it": {"name": "Digitale"}}, "“it” is not a language of the portal"),
        ({"fr": {"slug": "numerique"}}, "translations.fr: slug cannot be translated"),
    ],
)
def test_a_bad_translation_in_the_file_stops_the_load(tmp_path, translations, message):
    data = copy.deepcopy(DATA)
    data["ecosystems"][4]["translations"] = translations
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("load_pact_data", "--file", str(path), stdout=io.StringIO())
    assert Ecosystem.objects.get(slug="digital").name_fr is None


@pytest.mark.parametrize("model", [Ecosystem, Partnership, Document])
def test_search_reads_every_language_of_each_translated_field_it_searches(model):
    """The search vectors and their indexes must name the columns modeltranslation made."""
    translated = set(translator.get_options_for_model(model).all_fields)
    searched = {field for field, _weight in model.objects.all().search_fields}
    assert model.objects.all().translated_search_fields == searched & translated
