"""Uploaded PDFs carrying scripts or dangerous actions are refused, wherever the action hides.

Each PDF here is a real one, written with pypdf: one blank page plus the structure under test.
"""

import io
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import translation
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from partnerships import pdf
from partnerships.models import DocumentFile
from tests.factories import DocumentFactory

pytestmark = pytest.mark.django_db

REFUSED = (
    "The PDF contains JavaScript or actions that start programs, send data or open attachments; "
    "upload a copy without scripts or form actions."
)
TOO_COMPLEX = (
    "The PDF has too many pages, links, bookmarks or form fields to be checked for scripts; "
    "upload a simpler copy."
)


def name(value: str) -> NameObject:
    return NameObject(value)


def obj(**entries) -> DictionaryObject:
    """A PDF dictionary: obj(S="/URI", URI="https://…"); str values starting with / are names."""
    return DictionaryObject(
        {
            name(f"/{key}"): (
                BooleanObject(value)
                if isinstance(value, bool)
                else name(value)
                if isinstance(value, str) and value.startswith("/")
                else TextStringObject(value)
                if isinstance(value, str)
                else value
            )
            for key, value in entries.items()
        }
    )


def script(code: str = "app.alert('pact');") -> DictionaryObject:
    return obj(Type="/Action", S="/JavaScript", JS=code)


def go_to(writer: PdfWriter) -> DictionaryObject:
    return obj(S="/GoTo", D=ArrayObject([writer.pages[0].indirect_reference, name("/Fit")]))


def rect() -> ArrayObject:
    return ArrayObject([FloatObject(n) for n in (72, 720, 300, 740)])


def link(action: DictionaryObject) -> DictionaryObject:
    return obj(Type="/Annot", Subtype="/Link", Rect=rect(), Border=ArrayObject(), A=action)


def add_link(writer: PdfWriter, action: DictionaryObject) -> None:
    writer.add_annotation(0, link(action))


def text_field(writer: PdfWriter, title: str, **entries) -> DictionaryObject:
    """A text field with its widget, entries added to the field."""
    return obj(
        Type="/Annot",
        Subtype="/Widget",
        FT="/Tx",
        T=title,
        Rect=rect(),
        P=writer.pages[0].indirect_reference,
        **entries,
    )


def set_fields(writer: PdfWriter, *fields, **form) -> None:
    writer._root_object[name("/AcroForm")] = writer._add_object(
        obj(Fields=ArrayObject(fields), **form)
    )


def make(build: Callable[[PdfWriter], None]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(content: bytes) -> DocumentFile:
    version = DocumentFile(document=DocumentFactory(), language="en")
    version.file = ContentFile(content, name="agreement.pdf")
    return version


# --- Where an action hides -------------------------------------------------------------------


def open_action_then_script(writer: PdfWriter) -> None:
    writer._root_object[name("/OpenAction")] = writer._add_object(
        obj(S="/GoTo", D=go_to(writer)["/D"], Next=writer._add_object(script()))
    )


def open_action_then_array_of_actions(writer: PdfWriter) -> None:
    first = go_to(writer)
    first[name("/Next")] = ArrayObject([writer._add_object(go_to(writer)), script()])
    writer._root_object[name("/OpenAction")] = writer._add_object(first)


def open_action_chain_with_a_loop(writer: PdfWriter) -> None:
    """GoTo 1 -> GoTo 2 -> [GoTo 1 again, script]: the walk must not go round for ever."""
    first, second = go_to(writer), go_to(writer)
    first_ref, second_ref = writer._add_object(first), writer._add_object(second)
    first[name("/Next")] = second_ref
    second[name("/Next")] = ArrayObject([first_ref, script()])
    writer._root_object[name("/OpenAction")] = first_ref


def open_action_chain_longer_than_the_recursion_limit(writer: PdfWriter) -> None:
    action = writer._add_object(script())
    for _ in range(3000):
        action = writer._add_object(obj(S="/Named", N="/NextPage", Next=action))
    writer._root_object[name("/OpenAction")] = action


def bookmark_script(writer: PdfWriter) -> None:
    writer.add_outline_item(title="Summary", page_number=0)
    chapter = writer.add_outline_item(title="Chapter 1", page_number=0)
    section = writer.add_outline_item(title="Section 1.1", page_number=0, parent=chapter)
    section.get_object()[name("/A")] = script()


def form_field_keystroke_script(writer: PdfWriter) -> None:
    # A field in the form but on no page's /Annots.
    set_fields(writer, writer._add_object(text_field(writer, "name", AA=obj(K=script()))))


def form_field_action_script(writer: PdfWriter) -> None:
    set_fields(writer, writer._add_object(text_field(writer, "name", A=script())))


def form_field_kid_script(writer: PdfWriter) -> None:
    kid = writer._add_object(text_field(writer, "first", AA=obj(F=script())))
    parent = writer._add_object(obj(FT="/Tx", T="applicant", Kids=ArrayObject([kid])))
    kid.get_object()[name("/Parent")] = parent
    set_fields(writer, parent)


def widget_whose_field_holds_a_script(writer: PdfWriter) -> None:
    """A widget on the page whose parent field (in no AcroForm) carries the script."""
    field = writer._add_object(obj(FT="/Tx", T="applicant", AA=obj(V=script())))
    widget = text_field(writer, "first", Parent=field)
    del widget["/FT"]
    field.get_object()[name("/Kids")] = ArrayObject([writer.add_annotation(0, widget)])


def xfa_script(writer: PdfWriter) -> None:
    template = DecodedStreamObject()
    template.set_data(
        b'<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/"><subform>'
        b'<event activity="initialize"><script contentType="application/x-javascript">'
        b"app.alert('pact');</script></event></subform></template>"
    )
    set_fields(
        writer, XFA=ArrayObject([TextStringObject("template"), writer._add_object(template)])
    )


def launch(writer: PdfWriter) -> None:
    add_link(writer, obj(S="/Launch", F="C:\\Windows\\System32\\calc.exe"))


def submit_form(writer: PdfWriter) -> None:
    add_link(writer, obj(S="/SubmitForm", F=obj(FS="/URL", F="https://collector.example/")))


def import_data(writer: PdfWriter) -> None:
    add_link(writer, obj(S="/ImportData", F="\\\\fileserver\\share\\data.fdf"))


def go_to_embedded(writer: PdfWriter) -> None:
    add_link(writer, obj(S="/GoToE", NewWindow=True, T=obj(R="/C", N="attached.pdf")))


def rich_media(writer: PdfWriter) -> None:
    writer.add_annotation(0, obj(Type="/Annot", Subtype="/RichMedia", Rect=rect()))


def rich_media_execute(writer: PdfWriter) -> None:
    add_link(writer, obj(S="/RichMediaExecute", CMD=obj(C="play")))


def uri(address: str, label: str) -> Callable[[PdfWriter], None]:
    def build(writer: PdfWriter) -> None:
        add_link(writer, obj(S="/URI", URI=address))

    build.__name__ = label
    return build


def script_rendition(writer: PdfWriter) -> None:
    add_link(writer, obj(S="/Rendition", OP=NumberObject(0), JS="app.alert('pact');"))


@pytest.mark.parametrize(
    "build",
    [
        open_action_then_script,
        open_action_then_array_of_actions,
        open_action_chain_with_a_loop,
        open_action_chain_longer_than_the_recursion_limit,
        bookmark_script,
        form_field_keystroke_script,
        form_field_action_script,
        form_field_kid_script,
        widget_whose_field_holds_a_script,
        xfa_script,
        launch,
        submit_form,
        import_data,
        go_to_embedded,
        rich_media,
        rich_media_execute,
        uri("javascript:app.alert('pact')", "javascript_link"),
        uri("JavaScript:app.alert('pact')", "javascript_link_in_capitals"),
        uri(" \t\x01 javascript:app.alert('pact')", "javascript_link_after_spaces"),
        uri("java\nscript:app.alert('pact')", "javascript_link_with_a_line_break"),
        uri("vbscript:msgbox('pact')", "vbscript_link"),
    ],
    ids=lambda build: build.__name__,
)
def test_a_pdf_with_active_content_is_refused(build):
    content = make(build)
    assert PdfReader(io.BytesIO(content)).pages  # readable: refused for what it does, not damage
    with pytest.raises(ValidationError) as refused:
        upload(content).full_clean()
    assert refused.value.message_dict["file"] == [REFUSED]
    assert not DocumentFile.objects.exists()


def test_scripts_refused_before_the_walk_still_are():
    """What the check found before it walked every action; kept by the walk."""

    def names_kid(writer):
        leaf = writer._add_object(
            obj(Names=ArrayObject([TextStringObject("init"), writer._add_object(script())]))
        )
        writer._root_object[name("/Names")] = obj(JavaScript=obj(Kids=ArrayObject([leaf])))

    def page_opened(writer):
        writer.pages[0][name("/AA")] = obj(O=script())

    def document_closing(writer):
        writer._root_object[name("/AA")] = obj(WC=script())

    for build in (names_kid, page_opened, document_closing, script_rendition):
        with pytest.raises(ValidationError, match="contains JavaScript"):
            upload(make(build)).full_clean()


def test_the_refusal_is_translated():
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        upload(make(launch)).full_clean()
    assert refused.value.message_dict["file"][0].startswith("Le PDF contient du JavaScript")


def legitimate(writer: PdfWriter) -> None:
    """Bookmarks, a web link, a link to a page, and a form field on the page."""
    writer.add_outline_item(title="Summary", page_number=0)
    chapter = writer.add_outline_item(title="Chapter 1", page_number=0)
    writer.add_outline_item(title="Section 1.1", page_number=0, parent=chapter)
    add_link(writer, obj(S="/URI", URI="https://pact-for-skills.ec.europa.eu/"))
    add_link(writer, go_to(writer))
    add_link(writer, obj(S="/GoToR", F="annex.pdf", D=ArrayObject([NumberObject(0), name("/Fit")])))
    field = writer._add_object(text_field(writer, "signatory"))
    writer.pages[0][name("/Annots")].append(field)
    set_fields(writer, field)
    writer._root_object[name("/OpenAction")] = go_to(writer)


def test_a_pdf_with_bookmarks_web_links_and_a_form_field_is_accepted():
    content = make(legitimate)
    version = upload(content)
    version.full_clean()
    version.save()
    assert version.page_count == 1
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.outline) == 3  # two bookmarks and the list of the second's children
    assert len(reader.pages[0]["/Annots"]) == 4
    assert list(reader.get_fields()) == ["signatory"]


def test_a_pdf_too_large_to_check_is_refused_not_accepted(monkeypatch):
    def many_bookmarks(writer):
        for number in range(60):
            writer.add_outline_item(title=f"Section {number}", page_number=0)

    content = make(many_bookmarks)
    # Each bookmark is two objects (the item, its go-to action): about 125 in all.
    monkeypatch.setattr(pdf, "MAX_OBJECTS_CHECKED", 100)
    with pytest.raises(ValidationError) as refused:
        upload(content).full_clean()
    assert refused.value.message_dict["file"] == [TOO_COMPLEX]
    monkeypatch.setattr(pdf, "MAX_OBJECTS_CHECKED", 200)
    upload(content).full_clean()
