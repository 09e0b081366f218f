"""Every invariant of the model is refused by the database itself and by model validation.

Each case writes straight to the database (the path a buggy script or a raw import would
take) and expects an IntegrityError, then checks that full_clean() explains the problem to a
curator before anything is written.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction

from core.models import PublicationStatus
from ecosystems.models import Ecosystem
from partnerships.models import (
    Document,
    DocumentFile,
    Membership,
    Organisation,
    OrganisationType,
    Partnership,
    Region,
)
from tests.factories import (
    DocumentFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    ecosystem,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


def refused_by_database(write):
    """Run a write and expect the database to refuse it; checks deferred keys at once."""
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        write()


def large_scale(**overrides):
    values = {
        "name": "Automotive Skills Alliance",
        "slug": "asa",
        "kind": Partnership.Kind.LARGE_SCALE,
        "ecosystem": ecosystem("mobility-transport-automotive"),
    }
    return Partnership(**{**values, **overrides})


def regional(**overrides):
    values = {
        "name": "Lombardy Regional Skills Partnership",
        "slug": "lombardy",
        "kind": Partnership.Kind.REGIONAL,
        "scope": Partnership.Scope.REGIONAL,
    }
    return Partnership(**{**values, **overrides})


@pytest.mark.parametrize(
    ("partnership", "field", "message"),
    [
        (lambda: large_scale(scope="regional"), "scope", "has no scope"),
        (lambda: regional(scope=""), "scope", "Choose regional, macro-regional or local"),
        (lambda: large_scale(ecosystem=None), "ecosystem", "belongs to one ecosystem"),
        (
            lambda: regional(ecosystem=ecosystem("health")),
            "ecosystem",
            "use “linked ecosystems”",
        ),
        (
            lambda: regional(launched_on="2022-12-16", launched_on_precision="month"),
            "launched_on",
            "Only the month is known",
        ),
        (
            lambda: regional(launched_on="2022-12-01", launched_on_precision=""),
            "launched_on_precision",
            "Say whether the day, the month or only the year",
        ),
        (
            lambda: regional(
                agreement_signed_on="2023-04-01", agreement_signed_on_precision="year"
            ),
            "agreement_signed_on",
            "Only the year is known",
        ),
    ],
    ids=[
        "large-scale-with-scope",
        "regional-without-scope",
        "large-scale-without-ecosystem",
        "regional-owned-by-ecosystem",
        "month-precision-with-a-day",
        "date-without-precision",
        "year-precision-with-a-month",
    ],
)
def test_partnership_rules(partnership, field, message):
    with pytest.raises(ValidationError) as excinfo:
        partnership().full_clean()
    assert message in " ".join(excinfo.value.message_dict[field])

    refused_by_database(lambda: partnership().save())
    assert not Partnership.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [{"commitment_people": 0}, {"commitment_target_year": 1999}, {"status": "hidden"}],
    ids=["no-people", "target-year-before-the-pact", "unknown-status"],
)
def test_partnership_values_out_of_range(overrides):
    with pytest.raises(ValidationError):
        large_scale(**overrides).full_clean()
    refused_by_database(lambda: large_scale(**overrides).save())


def test_valid_partnerships_of_both_kinds_are_stored():
    lsp = large_scale(launched_on="2020-11-10", launched_on_precision="day")
    lsp.full_clean()
    lsp.save()
    rsp = regional(launched_on="2022-12-01", launched_on_precision="month")
    rsp.full_clean()
    rsp.save()
    rsp.linked_ecosystems.add(ecosystem("health"))
    assert set(Partnership.objects.values_list("kind", flat=True)) == {"large-scale", "regional"}


def test_only_regional_partnerships_have_linked_ecosystems():
    lsp = PartnershipFactory()
    refused_by_database(lambda: lsp.linked_ecosystems.add(ecosystem("health")))
    assert not lsp.linked_ecosystems.exists()


def test_a_partnership_with_links_cannot_become_large_scale():
    rsp = PartnershipFactory(regional=True)
    rsp.linked_ecosystems.add(ecosystem("health"))
    refused_by_database(
        lambda: Partnership.objects.filter(pk=rsp.pk).update(
            kind="large-scale", scope="", ecosystem=ecosystem("health")
        )
    )
    rsp.refresh_from_db()
    assert rsp.kind == Partnership.Kind.REGIONAL


def test_publishing_without_a_publication_time_is_refused():
    partnership = PartnershipFactory(status=PublicationStatus.DRAFT)
    refused_by_database(
        lambda: Partnership.objects.filter(pk=partnership.pk).update(status="published")
    )


def test_saving_as_published_records_the_first_publication_time():
    partnership = PartnershipFactory(status=PublicationStatus.DRAFT)
    assert partnership.published_at is None
    partnership.status = PublicationStatus.PUBLISHED
    partnership.save(update_fields=["status"])
    partnership.refresh_from_db()
    first = partnership.published_at
    assert first is not None

    partnership.status = PublicationStatus.ARCHIVED
    partnership.save()
    partnership.status = PublicationStatus.PUBLISHED
    partnership.save()
    partnership.refresh_from_db()
    assert partnership.published_at == first


def test_duplicate_membership_is_refused():
    membership = MembershipFactory()
    duplicate = Membership(
        partnership=membership.partnership,
        organisation=membership.organisation,
        role=Membership.Role.COORDINATOR,
    )
    with pytest.raises(ValidationError, match="already a member"):
        duplicate.full_clean()
    refused_by_database(duplicate.save)
    assert Membership.objects.count() == 1


def test_unknown_membership_role_is_refused():
    membership = MembershipFactory.build(role="sponsor")
    with pytest.raises(ValidationError):
        membership.full_clean()
    membership.partnership.save()
    membership.organisation.save()
    refused_by_database(membership.save)


def organisation(**overrides):
    values = {
        "name": "Politecnico di Milano",
        "slug": "polimi",
        "type": OrganisationType.HEI,
        "country_id": "IT",
    }
    return Organisation(**{**values, **overrides})


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"pic": "12345678"}, "pic"),
        ({"pic": "1234567890"}, "pic"),
        ({"pic": "12345678X"}, "pic"),
        ({"country_id": "XX"}, "country"),
        ({"country_id": "EL"}, "country"),
        ({"type": "spaceship"}, "type"),
    ],
    ids=[
        "pic-too-short",
        "pic-too-long",
        "pic-not-digits",
        "unknown-country",
        "eu-code-for-greece",
        "unknown-type",
    ],
)
def test_organisation_field_rules(overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        organisation(**overrides).full_clean()
    assert field in excinfo.value.message_dict
    refused_by_database(lambda: organisation(**overrides).save())
    assert not Organisation.objects.exists()


def test_a_valid_pic_and_country_are_accepted():
    valid = organisation(pic="999999999", eche_holder=True)
    valid.full_clean()
    valid.save()
    assert valid.country.code == "IT"
    assert str(valid.country) == "Italy"


def test_two_organisations_cannot_share_a_pic_but_many_have_none():
    OrganisationFactory(pic="912345678")
    OrganisationFactory(pic="")
    OrganisationFactory(pic="")
    with pytest.raises(ValidationError, match="already has this PIC"):
        organisation(pic="912345678").full_clean()
    refused_by_database(lambda: organisation(pic="912345678").save())


def test_only_a_higher_education_institution_holds_an_eche():
    vet = organisation(type=OrganisationType.VET_PROVIDER, eche_holder=True)
    with pytest.raises(ValidationError, match="Only a higher education institution"):
        vet.full_clean()
    refused_by_database(vet.save)


@pytest.mark.parametrize(
    ("nuts_code", "country", "message"),
    [
        ("ITC", "IT", None),
        ("itc4", "IT", "like ITC4"),
        ("ITC4567", "IT", None),
        ("ES30", "IT", "starts with IT"),
        ("GR61", "GR", "starts with EL"),
    ],
    ids=["nuts-1-code-is-valid", "lower-case", "too-long", "other-country", "iso-code-for-greece"],
)
def test_region_nuts_codes(nuts_code, country, message):
    region = Region(name="Somewhere", slug="somewhere", country_id=country, nuts_code=nuts_code)
    if message is None and len(nuts_code) <= 5:
        region.full_clean()
        return
    with pytest.raises(ValidationError) as excinfo:
        region.full_clean()
    if message:
        assert message in " ".join(excinfo.value.messages)


def test_region_nuts_code_format_is_enforced_by_the_database():
    refused_by_database(lambda: Region.objects.create(name="X", slug="x", nuts_code="itc4"))
    Region.objects.create(name="Thessaly", slug="thessaly-gr", country_id="GR", nuts_code="EL61")
    refused_by_database(lambda: Region.objects.create(name="Y", slug="y", nuts_code="EL61"))


def test_document_language_version_needs_a_file_or_a_link():
    document = DocumentFactory()
    neither = DocumentFile(document=document, language="en")
    with pytest.raises(ValidationError, match="Upload a PDF or give an external link"):
        neither.full_clean()
    refused_by_database(neither.save)
    assert not DocumentFile.objects.exists()


def test_document_language_version_cannot_have_both_a_file_and_a_link():
    document = DocumentFactory()
    both = DocumentFile(
        document=document, language="en", external_url="https://example.org/agreement.pdf"
    )
    both.file = pdf_upload()
    with pytest.raises(ValidationError, match="not both"):
        both.full_clean()
    refused_by_database(both.save)


def test_one_file_per_language_and_only_official_eu_languages():
    document = DocumentFactory()
    link = {"external_url": "https://example.org/a.pdf", "file_format": "pdf"}
    DocumentFile.objects.create(document=document, language="en", **link)
    duplicate = DocumentFile(document=document, language="en", **link)
    with pytest.raises(ValidationError, match="already has a file in this language"):
        duplicate.full_clean()
    refused_by_database(duplicate.save)

    russian = DocumentFile(document=document, language="ru", **link)
    with pytest.raises(ValidationError):
        russian.full_clean()
    refused_by_database(russian.save)
    DocumentFile.objects.create(document=document, language="ga", **link)
    assert document.files.count() == 2


def test_an_upload_without_its_measurements_is_refused():
    version = DocumentFile.objects.create(
        document=DocumentFactory(), language="de", file=pdf_upload()
    )
    refused_by_database(
        lambda: DocumentFile.objects.filter(pk=version.pk).update(sha256="", page_count=None)
    )


def test_document_kind_and_date_rules():
    bad_kind = Document(title="Poster", slug="poster", kind="poster")
    with pytest.raises(ValidationError):
        bad_kind.full_clean()
    refused_by_database(bad_kind.save)

    invented_day = Document(
        title="Flyer",
        slug="flyer",
        kind="publication",
        issued_on="2023-10-12",
        issued_on_precision="year",
    )
    with pytest.raises(ValidationError, match="Only the year is known"):
        invented_day.full_clean()
    refused_by_database(invented_day.save)


def test_ecosystem_needs_an_svg_icon():
    digital = Ecosystem.objects.get(slug="digital")
    refused_by_database(
        lambda: Ecosystem.objects.filter(pk=digital.pk).update(icon="ecosystems/digital.png")
    )


def test_a_link_says_whether_it_opens_a_pdf_or_a_web_page_and_a_page_has_no_size():
    document = DocumentFactory()
    silent = DocumentFile(document=document, language="en", external_url="https://example.org/")
    with pytest.raises(ValidationError, match="opens a PDF or a web page"):
        silent.full_clean()
    refused_by_database(silent.save)
    sized_page = DocumentFile(
        document=document,
        language="en",
        external_url="https://example.org/list",
        file_format="html",
        size_bytes=334_930,
    )
    with pytest.raises(ValidationError, match="size of a PDF it lists is not its own"):
        sized_page.full_clean()
    refused_by_database(sized_page.save)


def test_a_doubtful_record_says_why_and_a_pledge_basis_needs_a_number():
    doubtful = PartnershipFactory.build(confidence="unconfirmed", confidence_note="")
    with pytest.raises(ValidationError, match="Say why a record is only reported"):
        doubtful.full_clean()
    refused_by_database(doubtful.save)
    basis_alone = PartnershipFactory.build(commitment_basis="each-year", commitment_people=None)
    with pytest.raises(ValidationError, match="only with a number of people"):
        basis_alone.full_clean()
    refused_by_database(basis_alone.save)
