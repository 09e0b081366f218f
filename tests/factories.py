"""Factories with realistic defaults; each object gets a unique slug."""

import io

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from core.models import PublicationStatus
from ecosystems.models import Ecosystem
from figures.models import OfficialFigure
from partnerships.models import (
    Document,
    DocumentFile,
    Membership,
    Organisation,
    OrganisationType,
    Partnership,
    Region,
)


def make_pdf(pages: int = 1, *, password: str | None = None) -> bytes:
    """A real, small PDF with blank A4 pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_string(line: str) -> bytes:
    escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1") + b")"


def make_text_pdf(pages: list[str], outline: dict[int, str] | None = None) -> bytes:
    """A real PDF whose pages hold ``pages``' text (Helvetica, a line per line), with an
    outline entry ``{page number: title}`` each, as a word processor writes one."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                # Latin-1 text reads as written (the standard encoding has no accents).
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    for text in pages:
        page = writer.add_blank_page(width=595, height=842)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        lines = [_pdf_string(line) + b" Tj 0 -16 Td" for line in text.splitlines()]
        stream = StreamObject()
        stream.set_data(b"BT /F1 12 Tf 72 770 Td " + b" ".join(lines) + b" ET")
        page[NameObject("/Contents")] = writer._add_object(stream)
    for number, title in (outline or {}).items():
        writer.add_outline_item(title=title, page_number=number - 1)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_scanned_pdf(pages: int = 2) -> bytes:
    """A PDF with no text layer, as a scanner makes one: each page only draws (here, lines
    standing for the picture of a page of text)."""
    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(width=595, height=842)
        stream = StreamObject()
        stream.set_data(b"".join(b"72 %d m 520 %d l S " % (y, y) for y in range(100, 780, 16)))
        page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(pages: int = 1, name: str = "agreement.pdf", **kwargs) -> ContentFile:
    return ContentFile(make_pdf(pages, **kwargs), name=name)


def ecosystem(slug: str = "digital") -> Ecosystem:
    """The ecosystems exist from the data migration; factories pick one, never make one."""
    return Ecosystem.objects.get(slug=slug)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Istituto Tecnico Superiore {n}")
    slug = factory.Sequence(lambda n: f"istituto-tecnico-superiore-{n}")
    type = OrganisationType.VET_PROVIDER
    country_id = "IT"
    status = PublicationStatus.PUBLISHED


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")
    country_id = "IT"


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Skills Partnership {n}")
    slug = factory.Sequence(lambda n: f"skills-partnership-{n}")
    kind = Partnership.Kind.LARGE_SCALE
    scope = ""
    ecosystem = factory.LazyFunction(ecosystem)
    summary = "Companies and training providers working together on the skills of the sector."
    status = PublicationStatus.PUBLISHED

    class Params:
        regional = factory.Trait(
            kind=Partnership.Kind.REGIONAL, scope=Partnership.Scope.REGIONAL, ecosystem=None
        )


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = Document

    title = factory.Sequence(lambda n: f"Partnership agreement {n}")
    slug = factory.Sequence(lambda n: f"partnership-agreement-{n}")
    kind = Document.Kind.AGREEMENT
    status = PublicationStatus.PUBLISHED


class DocumentFileFactory(DjangoModelFactory):
    class Meta:
        model = DocumentFile

    document = factory.SubFactory(DocumentFactory)
    language = "en"
    external_url = (
        "https://pact-for-skills.ec.europa.eu/about/industrial-ecosystems-and-partnerships_en"
    )
    file_format = DocumentFile.Format.PDF


class OfficialFigureFactory(DjangoModelFactory):
    class Meta:
        model = OfficialFigure

    slug = factory.Sequence(lambda n: f"members-{n}")
    metric = OfficialFigure.Metric.MEMBERS
    value = 3200
    unit = OfficialFigure.Unit.ORGANISATIONS
    qualifier = OfficialFigure.Qualifier.MORE_THAN
    stated_on = "2025-05-19"
    publisher = "European Commission"
    source_url = "https://en.bia-bg.com/news/view/34064"
