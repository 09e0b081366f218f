"""Curators at scale: publishing what a page shows together, review before publishing, and
preview links for readers without an account."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.curation import PreviewLink, ReviewRequest
from core.models import PublicationStatus
from partnerships.models import Document, DocumentFile, Organisation, Partnership
from tests.factories import DocumentFactory, MembershipFactory, PartnershipFactory, pdf_upload

pytestmark = pytest.mark.django_db

DRAFT = PublicationStatus.DRAFT
# The curators' preview of a partnership with draft members and documents.
# Its commitments take one query, as on the public page.
PREVIEW_QUERIES = 16


def draft_regional_partnership() -> Partnership:
    """What a new curator makes: a regional partnership, two new member organisations and a
    document with a real PDF, all drafts."""
    partnership = PartnershipFactory(
        regional=True, status=DRAFT, name="Basque Skills Partnership", slug="basque-skills"
    )
    for name in ("Mondragon Unibertsitatea", "Tknika"):
        MembershipFactory(
            partnership=partnership, organisation__name=name, organisation__status=DRAFT
        )
    document = DocumentFactory(partnership=partnership, status=DRAFT, title="Basque agreement")
    version = DocumentFile(document=document, language="en", file=pdf_upload())
    version.full_clean()
    version.save()
    return partnership


def admin_url(record, view: str) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[record.pk])


def test_a_new_curator_previews_the_page_then_publishes_it_all_in_one_step(
    curator, curator_client, django_assert_max_num_queries
):
    partnership = draft_regional_partnership()
    page = partnership.get_absolute_url()
    assert Client().get(page).status_code == 404

    # The preview is the page the public will get, the drafts marked, and never stored.
    # However many drafts it shows: their rows are read with what they show, never one by one.
    with django_assert_max_num_queries(PREVIEW_QUERIES):
        preview = curator_client.get(page)
    html = preview.content.decode()
    for name in ("Mondragon Unibertsitatea", "Tknika", "Basque agreement"):
        assert name in html
    assert html.count('class="tag tag--draft"') == 3
    assert "no-store" in preview["Cache-Control"]
    member_page = curator_client.get(Organisation.objects.first().get_absolute_url())
    assert "Basque Skills Partnership" in member_page.content.decode()

    # One confirmation lists the drafts its page shows, all checked.
    asked = curator_client.get(admin_url(partnership, "publish"))
    offered = re.findall(r'name="together" value="([^"]+)"[^>]*checked', asked.content.decode())
    assert len(offered) == 3
    done = curator_client.post(
        admin_url(partnership, "publish"), {"confirmed": "yes", "together": offered}
    )
    assert done.status_code == 302
    for model in (Partnership, Organisation, Document):
        for record in model.objects.all():
            assert record.status == PublicationStatus.PUBLISHED
            assert record.history.first().history_user == curator

    public = Client().get(page)
    html = public.content.decode()
    assert public.status_code == 200
    for name in ("Mondragon Unibertsitatea", "Tknika", "Basque agreement"):
        assert name in html
    assert "tag--draft" not in html and "No documents" not in html


def test_a_curator_who_may_not_publish_organisations_cannot_publish_them_together(db):
    partnership = draft_regional_partnership()
    editor = User.objects.create_user("pat", is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="partnerships",
            codename__in=["view_partnership", "change_partnership", "view_document"],
        )
    )
    client = Client()
    client.force_login(editor)
    asked = client.get(admin_url(partnership, "publish")).content.decode()
    assert "you may not publish these" in asked
    organisation = Organisation.objects.first()
    client.post(
        admin_url(partnership, "publish"),
        {"confirmed": "yes", "together": [f"partnerships.organisation:{organisation.pk}"]},
    )
    assert Partnership.objects.get().status == PublicationStatus.PUBLISHED
    assert set(Organisation.objects.values_list("status", flat=True)) == {DRAFT}


def test_a_reviewer_returns_then_approves_a_change_read_from_its_diff(
    settings, curator, curator_client
):
    settings.REVIEW_REQUIRED_GROUPS = ["Curators"]
    partnership = PartnershipFactory(summary="Skills for the car industry.")
    partnership.summary, partnership.status = "Skills for the battery industry.", DRAFT
    partnership.save()

    # Its author's group goes through review: no publishing of its own.
    changelist = reverse("admin:partnerships_partnership_changelist")
    refused = curator_client.post(
        changelist,
        {"action": "publish", "_selected_action": [partnership.pk], "confirmed": "yes"},
        follow=True,
    )
    assert "published after a review" in refused.content.decode()
    api = APIClient()
    api.force_authenticate(curator)
    detail = reverse("api:partnership-detail", args=[partnership.slug])
    assert api.patch(detail, {"status": "published"}, format="json").status_code == 403
    assert Partnership.objects.get().status == DRAFT
    # Nor a schedule, which would publish it unreviewed a minute later.
    form = curator_client.get(admin_url(partnership, "change")).content.decode()
    assert 'name="publish_at_0"' not in form and 'name="status"' not in form
    curator_client.post(admin_url(partnership, "submit_for_review"))
    review = ReviewRequest.objects.get()
    assert (review.state, review.author) == ("pending", curator)

    # Never by its author.
    page = admin_url(review, "change")
    assert "Approve and publish" not in curator_client.get(page).content.decode()
    curator_client.post(page, {"decision": "approve"})
    assert Partnership.objects.get().status == DRAFT

    reviewer = User.objects.create_user("rita", is_staff=True)
    reviewer.groups.set(Group.objects.filter(name__in=["Curators", "Reviewers"]))
    reviewing = Client()
    reviewing.force_login(reviewer)
    diff = reviewing.get(page).content.decode()
    assert "Skills for the car industry." in diff and "Skills for the battery industry." in diff
    reviewing.post(page, {"decision": "return", "comment": "Cite the source of the batteries."})

    # The author reads the comment on the record, and submits it again.
    returned = curator_client.get(admin_url(partnership, "change")).content.decode()
    assert "Cite the source of the batteries." in returned
    curator_client.post(admin_url(partnership, "submit_for_review"))
    again = ReviewRequest.objects.get(state="pending")
    reviewing.post(admin_url(again, "change"), {"decision": "approve"})
    published = Partnership.objects.get()
    assert published.status == PublicationStatus.PUBLISHED
    assert published.history.first().history_user == reviewer
    assert ReviewRequest.objects.get(pk=again.pk).reviewer == reviewer


def test_a_preview_link_shows_the_draft_until_revoked_or_expired(curator_client):
    partnership = draft_regional_partnership()
    links_page = admin_url(partnership, "preview_links")
    made = curator_client.post(links_page, {"create": "1"}).content.decode()
    address = re.search(r'value="http://testserver(/preview/[^"]+/)"', made)[1]

    reader = Client()
    shown = reader.get(address)
    html = shown.content.decode()
    assert shown.status_code == 200
    assert "Basque Skills Partnership" in html and "Tknika" in html and "tag--draft" in html
    assert "no-store" in shown["Cache-Control"] and "noindex" in shown["X-Robots-Tag"]
    assert "X-Cache" not in reader.get(address)
    # The link opens this draft only: the page itself stays closed to the public.
    assert reader.get(partnership.get_absolute_url()).status_code == 404
    assert reader.get(address.replace("/preview/", "/preview/x")).status_code == 404

    link = PreviewLink.objects.get()
    curator_client.post(links_page, {"revoke": str(link.pk)})
    gone = reader.get(address)
    assert gone.status_code == 410 and "revoked or has expired" in gone.content.decode()

    made = curator_client.post(links_page, {"create": "1"}).content.decode()
    address = re.search(r'value="http://testserver(/preview/[^"]+/)"', made)[1]
    assert reader.get(address).status_code == 200
    PreviewLink.objects.filter(revoked_at=None).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert reader.get(address).status_code == 410
