"""Who sees drafts on the public site: curators, the accounts with the model's view permission.

Staff status alone is not enough, as it is not in the API: a staff account without the
permission gets the public's 404 on a draft's page and on a draft's PDF.
"""

import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from core.models import PublicationStatus, Publishable
from partnerships.models import DocumentFile
from tests.alliances.builders import make_alliance
from tests.factories import (
    DocumentFactory,
    OrganisationFactory,
    PartnershipFactory,
    make_pdf,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationStatus.DRAFT
MAKERS = {
    "partnerships.organisation": lambda: OrganisationFactory(status=DRAFT),
    "partnerships.partnership": lambda: PartnershipFactory(status=DRAFT),
    "partnerships.document": lambda: DocumentFactory(status=DRAFT),
    "alliances.alliance": lambda: make_alliance(None, status=DRAFT),
}
# Every model with drafts and a public page, found rather than listed: a new one needs a maker.
PUBLISHABLE = sorted(
    model._meta.label_lower
    for model in apps.get_models()
    if issubclass(model, Publishable) and hasattr(model, "get_absolute_url")
)


@pytest.fixture(params=[0, 600], ids=["uncached", "page-cache"])
def page_cache(request, settings):
    settings.PAGE_CACHE_SECONDS = request.param
    cache.clear()
    yield
    cache.clear()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staffer():
    """Staff, with view permissions on everything but the content models."""
    user = User.objects.create_user("staffer", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__startswith="view_").exclude(
            content_type__app_label__in=["partnerships", "alliances"]
        )
    )
    return client_for(user)


@pytest.fixture
def curator():
    call_command("create_curator", "--username", "cora", stdout=io.StringIO())
    return client_for(User.objects.get(username="cora"))


def test_every_publishable_model_is_covered():
    assert sorted(MAKERS) == PUBLISHABLE


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_a_draft_page_is_not_found_for_staff_without_the_view_permission(
    page_cache, staffer, label
):
    draft = MAKERS[label]()
    assert staffer.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_a_curator_previews_every_draft(page_cache, curator, label):
    draft = MAKERS[label]()
    response = curator.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "only curators can see this page" in response.content.decode()


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_the_view_permission_of_that_model_is_what_counts(label):
    draft = MAKERS[label]()
    app_label, model_name = label.split(".")
    user = User.objects.create_user("reader-of-one", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=f"view_{model_name}")
    )
    assert client_for(user).get(draft.get_absolute_url()).status_code == 200
    user.is_staff = False  # an account that may no longer sign in to the admin
    user.save()
    assert client_for(user).get(draft.get_absolute_url()).status_code == 404


def draft_with_a_pdf():
    document = DocumentFactory(status=DRAFT)
    version = DocumentFile(document=document, language="en")
    version.file = ContentFile(make_pdf(), name="agreement.pdf")
    version.full_clean()
    version.save()
    return reverse("partnerships:document_download", args=[document.slug, "en"])


def test_a_draft_pdf_is_not_found_for_staff_without_the_view_permission(staffer):
    assert staffer.get(draft_with_a_pdf()).status_code == 404


def test_a_curator_downloads_a_draft_pdf(curator):
    response = curator.get(draft_with_a_pdf())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_the_api_does_not_name_a_draft_partnership_to_staff_without_the_permission(staffer):
    partnership = PartnershipFactory(status=DRAFT, name="Unannounced Partnership")
    document = DocumentFactory(partnership=partnership)
    url = reverse("api:document-detail", args=[document.slug])
    assert staffer.get(url).json()["partnership"] is None
