import pytest
from django.urls import reverse

from partnerships.models import Document, Partnership
from tests.factories import (
    DocumentFactory,
    DocumentFileFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ecosystem,
)

CONTENT_MODELS = [
    "ecosystems_ecosystem",
    "partnerships_partnership",
    "partnerships_organisation",
    "partnerships_document",
    "partnerships_region",
    "partnerships_country",
]


@pytest.mark.parametrize("model", CONTENT_MODELS)
def test_changelists_list_the_real_data(admin_client, pact_data, model):
    response = admin_client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count > 0


FIXED_SETS = ["partnerships_country", "ecosystems_ecosystem"]


@pytest.mark.parametrize("model", [m for m in CONTENT_MODELS if m not in FIXED_SETS])
def test_add_pages_open(admin_client, model):
    assert admin_client.get(reverse(f"admin:{model}_add")).status_code == 200


@pytest.mark.parametrize("model", FIXED_SETS)
def test_the_fixed_sets_cannot_be_added_to(admin_client, model):
    assert admin_client.get(reverse(f"admin:{model}_add")).status_code == 403


def test_partnership_change_page_shows_its_members(admin_client, pact_data):
    lombardy = Partnership.objects.get(slug="lombardy-regional-skills-partnership")
    response = admin_client.get(
        reverse("admin:partnerships_partnership_change", args=[lombardy.pk])
    )
    assert response.status_code == 200
    assert "Regione Lombardia" in response.content.decode()


def test_document_change_page_shows_its_language_versions(admin_client, pact_data):
    agreement = Document.objects.get(slug="rsp-lombardy-agreement")
    response = admin_client.get(reverse("admin:partnerships_document_change", args=[agreement.pk]))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.queryset.count() == 1


def test_partnership_search_and_filters(admin_client, pact_data):
    url = reverse("admin:partnerships_partnership_changelist")
    found = admin_client.get(url, {"q": "Lombardy"}).context["cl"].result_list
    assert [p.slug for p in found] == ["lombardy-regional-skills-partnership"]
    regional = admin_client.get(url, {"kind__exact": "regional", "scope__exact": "local"})
    assert {p.slug for p in regional.context["cl"].result_list} == {
        "madrid-oeste-tecnologico",
        "bari-metropolitan-skills-partnership",
    }


def test_member_and_document_counts_are_right_with_both_joins(admin_client, db):
    partnership = PartnershipFactory(name="Counted partnership")
    MembershipFactory.create_batch(3, partnership=partnership)
    DocumentFactory.create_batch(2, partnership=partnership)
    response = admin_client.get(reverse("admin:partnerships_partnership_changelist"))
    row = response.context["cl"].result_list[0]
    assert (row.member_count, row.document_count) == (3, 2)


@pytest.mark.parametrize("rows", [5, 60])
def test_partnership_changelist_queries_do_not_grow_with_rows(
    admin_client, db, django_assert_max_num_queries, rows
):
    for partnership in PartnershipFactory.create_batch(rows):
        MembershipFactory(partnership=partnership, organisation=OrganisationFactory())
        DocumentFactory(partnership=partnership)
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:partnerships_partnership_changelist"))
    assert response.context["cl"].result_count == rows


@pytest.mark.parametrize("rows", [5, 60])
def test_document_and_organisation_changelists_queries_do_not_grow_with_rows(
    admin_client, db, django_assert_max_num_queries, rows
):
    for document in DocumentFactory.create_batch(rows, partnership=PartnershipFactory()):
        DocumentFileFactory(document=document)
    OrganisationFactory.create_batch(rows)
    with django_assert_max_num_queries(12):
        admin_client.get(reverse("admin:partnerships_document_changelist"))
    with django_assert_max_num_queries(12):
        admin_client.get(reverse("admin:partnerships_organisation_changelist"))


def partnership_form_data(**overrides):
    data = {
        "name": "Skills Partnership for Batteries",
        "slug": "batteries",
        "kind": "large-scale",
        "scope": "",
        "coverage": "eu-wide",
        "confidence": "confirmed",
        "status": "draft",
        "ecosystem": str(ecosystem("electronics").pk),
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "member_counts-TOTAL_FORMS": "0",
        "member_counts-INITIAL_FORMS": "0",
        "commitments-TOTAL_FORMS": "0",
        "commitments-INITIAL_FORMS": "0",
    }
    return {**data, **overrides}


def test_admin_refuses_linked_ecosystems_on_a_large_scale_partnership(admin_client, db):
    response = admin_client.post(
        reverse("admin:partnerships_partnership_add"),
        partnership_form_data(linked_ecosystems=[str(ecosystem("health").pk)]),
    )
    assert response.status_code == 200
    assert "clear these links" in response.content.decode()
    assert not Partnership.objects.exists()


def test_admin_refuses_a_regional_partnership_without_scope(admin_client, db):
    response = admin_client.post(
        reverse("admin:partnerships_partnership_add"),
        partnership_form_data(kind="regional", ecosystem=""),
    )
    assert response.status_code == 200
    assert "Choose regional, macro-regional or local" in response.content.decode()
    assert not Partnership.objects.exists()


def test_admin_creates_a_valid_draft_partnership(admin_client, db):
    response = admin_client.post(
        reverse("admin:partnerships_partnership_add"), partnership_form_data()
    )
    assert response.status_code == 302
    created = Partnership.objects.get(slug="batteries")
    assert created.status == "draft" and created.published_at is None
