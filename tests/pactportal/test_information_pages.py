"""The footer's legal notice, privacy statement, accessibility statement and contact page:
on every page, in every language, written by curators in the admin."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pactportal.models import InformationPage
from tests.partnerships.conftest import curator, curator_client  # noqa: F401

pytestmark = pytest.mark.django_db

TITLES = {
    "en": ["Legal notice", "Privacy statement", "Accessibility statement", "Contact"],
    "fr": [
        "Mentions légales",
        "Déclaration de confidentialité",
        "Déclaration d’accessibilité",
        "Contact",
    ],
    "de": ["Impressum", "Datenschutzerklärung", "Erklärung zur Barrierefreiheit", "Kontakt"],
}
SLUGS = ["legal-notice", "privacy", "accessibility", "contact"]


@pytest.mark.parametrize("language", TITLES)
def test_every_page_s_footer_links_to_the_four_pages_in_the_reader_s_language(client, language):
    with translation.override(language):
        home = client.get(reverse("ecosystems:home")).content.decode()
        footer = home.split('<footer class="site-footer">', 1)[1]
        for slug, title in zip(SLUGS, TITLES[language], strict=True):
            url = reverse("information_page", kwargs={"slug": slug})
            assert f'href="{url}"' in footer
            page = client.get(url)
            assert page.status_code == 200
            assert f"<h1>{title}</h1>" in page.content.decode()


def test_the_accessibility_statement_follows_the_eu_model(client):
    page = client.get(reverse("information_page", kwargs={"slug": "accessibility"}))
    html = page.content.decode()
    assert "Directive (EU) 2016/2102" in html
    for heading in (
        "Compliance status",
        "Content that is not accessible",
        "Preparation of this statement",
        "Feedback and contact",
        "Enforcement procedure",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert "partially compliant" in html
    # A way to report a problem: an address one can write to, as a link.
    assert 'href="mailto:' in html


def test_a_curator_s_french_text_shows_at_once_on_the_cached_page(curator_client):  # noqa: F811
    with translation.override("fr"):
        url = reverse("information_page", kwargs={"slug": "contact"})
    visitor = Client()
    assert "Écrivez" in visitor.get(url).content.decode()  # now in the page cache
    page = InformationPage.objects.get(slug="contact")
    change = reverse("admin:pactportal_informationpage_change", args=[page.pk])
    form = curator_client.get(change).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["body_fr"] = "Écrivez-nous au guichet.\n\n## Horaires\n- Lundi\n- Mardi"
    response = curator_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    html = visitor.get(url).content.decode()
    assert "<p>Écrivez-nous au guichet.</p>" in html
    assert "<h2>Horaires</h2>" in html and "<li>Lundi</li>" in html
    # The English page still shows the English text.
    assert "Write to the portal team" in visitor.get("/en/about/contact/").content.decode()


def test_curators_edit_the_pages_but_neither_add_nor_delete_them(curator_client):  # noqa: F811
    page = InformationPage.objects.get(slug="privacy")
    assert (
        curator_client.get(reverse("admin:pactportal_informationpage_changelist")).status_code
        == 200
    )
    assert (
        curator_client.get(
            reverse("admin:pactportal_informationpage_change", args=[page.pk])
        ).status_code
        == 200
    )
    assert curator_client.get(reverse("admin:pactportal_informationpage_add")).status_code == 403
    delete = reverse("admin:pactportal_informationpage_delete", args=[page.pk])
    assert curator_client.get(delete).status_code == 403


def test_an_unknown_page_is_not_found(client):
    assert client.get("/en/about/terms/").status_code == 404


def test_the_sitemap_lists_the_four_pages_in_each_language(client):
    sitemap = client.get("/sitemap-about.xml").content.decode()
    for code in TITLES:
        for slug in SLUGS:
            assert f"/{code}/about/{slug}/</loc>" in sitemap
