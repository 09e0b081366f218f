import io

import pytest
from django.core.management import CommandError, call_command

from alliances.models import Alliance, AllianceMember
from pactportal.scale_data import SCALE_PREFIX, rare_words
from partnerships.models import (
    Document,
    DocumentFile,
    DocumentPage,
    Membership,
    Organisation,
    Partnership,
)
from tests.factories import DocumentFactory, MembershipFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

MODELS = (Organisation, Partnership, Membership, Document, DocumentFile, Alliance, AllianceMember)


def generate(*args):
    out = io.StringIO()
    call_command("generate_scale_data", *args, stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_factor_one_adds_records_in_proportion_to_the_real_data():
    generate("--factor", "1")

    assert Partnership.objects.count() == 30
    assert Organisation.objects.count() == 600
    assert Document.objects.count() == 100
    assert Alliance.objects.count() == 26
    assert 26 * 10 <= AllianceMember.objects.count() <= 26 * 30
    # Every generated alliance has exactly one coordinator, as the database requires.
    assert AllianceMember.objects.filter(role="coordinator").count() == 26
    assert 30 * 40 <= Membership.objects.count() <= 30 * 160
    # Published rows carry their publication time, as every other write path guarantees.
    assert not Partnership.objects.published().filter(published_at__isnull=True).exists()
    assert set(Partnership.objects.values_list("status", flat=True)) <= {
        "published",
        "draft",
        "archived",
    }
    # Large-scale partnerships work EU-wide and name no country, as in the real data.
    assert not Partnership.objects.large_scale().exclude(coverage="eu-wide").exists()
    assert not Partnership.objects.large_scale().filter(countries__isnull=False).exists()
    assert Partnership.objects.filter(confidence="unconfirmed").exclude(confidence_note="")
    # Every version's text is there to search, page by page, in its own language.
    versions = DocumentFile.objects.all()
    assert not versions.exclude(text_status="read").exists()
    assert DocumentPage.objects.count() == sum(versions.values_list("page_count", flat=True))
    text = DocumentPage.objects.filter(version__document__status="published").first().text
    term = next(word for word in text.lower().strip(".").split() if word in set(rare_words()))
    found = Document.objects.published().search(term)
    assert found.exists() and found.count() < Document.objects.published().count()
    # Generated rows are valid by the models' own rules, not only the database's.
    for model in (Organisation, Partnership, Document, Alliance):
        for obj in model.objects.all()[:25]:
            obj.full_clean()


def test_the_same_seed_gives_the_same_records():
    generate("--factor", "1", "--seed", "7")
    first = list(Partnership.objects.order_by("slug").values_list("slug", "name", "kind"))
    generate("--remove")
    generate("--factor", "1", "--seed", "7")
    assert list(Partnership.objects.order_by("slug").values_list("slug", "name", "kind")) == first


def test_generating_twice_is_refused_with_a_clear_message():
    generate("--factor", "1")
    with pytest.raises(CommandError, match="already loaded"):
        generate("--factor", "1")


def test_remove_deletes_only_generated_records(pact_data):
    kept = MembershipFactory(partnership=PartnershipFactory())
    before = counts()
    generate("--factor", "1")
    # A curator links a generated organisation into a real partnership in the meantime.
    Membership.objects.create(
        partnership=kept.partnership,
        organisation=Organisation.objects.filter(slug__startswith=SCALE_PREFIX)[0],
    )

    # A real document about a generated partnership.
    real_document = DocumentFactory(
        partnership=Partnership.objects.filter(slug__startswith=SCALE_PREFIX).first()
    )

    generate("--remove")

    assert counts() == {**before, "Document": before["Document"] + 1}
    assert Membership.objects.filter(pk=kept.pk).exists()
    real_document.refresh_from_db()
    assert real_document.partnership is None
