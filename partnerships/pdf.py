"""What the portal knows about an uploaded PDF, and the checks an upload must pass."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

PDF_SIGNATURE = b"%PDF-"
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class PdfFacts:
    size_bytes: int
    page_count: int
    sha256: str


def inspect_pdf(fileobj) -> PdfFacts:
    """Measure a PDF, refusing anything that is not a readable, unencrypted PDF.

    Neither the file name nor the declared content type is trusted: the bytes decide.
    """
    limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
    fileobj.seek(0)
    head = fileobj.read(1024)
    # The PDF specification lets the header start anywhere in the first 1,024 bytes.
    if PDF_SIGNATURE not in head:
        raise ValidationError(_("This file is not a PDF."), code="not_pdf")

    digest = hashlib.sha256(head)
    size = len(head)
    while chunk := fileobj.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if size > limit:
            raise ValidationError(
                _("The file is larger than %(limit)s."),
                params={"limit": filesizeformat(limit)},
                code="too_large",
            )

    fileobj.seek(0)
    try:
        reader = PdfReader(fileobj)
        encrypted = reader.is_encrypted
        page_count = 0 if encrypted else len(reader.pages)
        active = None if encrypted else _active_content(reader)
    except Exception as exc:  # pypdf raises many exception types on damaged or hostile input
        raise ValidationError(
            _("The PDF could not be read; it may be damaged."), code="unreadable"
        ) from exc
    finally:
        fileobj.seek(0)
    if encrypted:
        raise ValidationError(
            _("The PDF is encrypted or password-protected; upload an unprotected copy."),
            code="encrypted",
        )
    if active == _TOO_COMPLEX:
        raise ValidationError(
            _(
                "The PDF has too many pages, links, bookmarks or form fields to be checked for "
                "scripts; upload a simpler copy."
            ),
            code="too_complex",
        )
    if active:
        raise ValidationError(
            _(
                "The PDF contains JavaScript or actions that start programs, send data or open "
                "attachments; upload a copy without scripts or form actions."
            ),
            code="javascript",
        )
    if page_count < 1:
        raise ValidationError(_("The PDF has no pages."), code="no_pages")
    return PdfFacts(size_bytes=size, page_count=page_count, sha256=digest.hexdigest())


# Active content: what a PDF reader runs, launches or sends when the document is opened, a page
# is shown, a bookmark, link or form field is used. The walk below starts at the catalogue and
# follows only the keys that lead to actions: the names dictionary (its /JavaScript scripts,
# its /Pages and /Templates), /OpenAction and the catalogue's /AA, the page tree and each page's
# /AA and /Annots, each annotation's /A, /AA and /Parent (a widget's form field), the outline
# (/First, /Next, /Last, /Prev), the AcroForm's /Fields and their /Kids, and each action's
# /Next, one action or an array of them. It never reads page contents, fonts or images.
_FOLLOW = (
    "/Names",
    "/Pages",
    "/Templates",
    "/Kids",
    "/OpenAction",
    "/A",
    "/Next",
    "/Outlines",
    "/First",
    "/Last",
    "/Prev",
    "/AcroForm",
    "/Fields",
    "/Annots",
    "/Parent",
    "/3DD",
)
# An /AA dictionary maps triggers (/O page opened, /K keystroke, /WC document closing, ...) to
# actions: every value is followed.
_TRIGGERS = "/AA"

# Keys that carry code whatever the dictionary around them: /JS in a JavaScript or Rendition
# action, /JavaScript in the names dictionary (the document's named scripts), /OnInstantiate
# in a 3D stream (3D JavaScript), and /XFA in the AcroForm: XFA forms are templates full of
# <script> and <event> elements, deprecated in PDF 2.0; rather than inflate and parse the
# uploader's XML to look for them, any XFA form is refused (a printed-to-PDF copy passes).
_REFUSED_KEYS = ("/JS", "/JavaScript", "/OnInstantiate", "/XFA")

# Action types refused. The portal publishes agreements and reports to read: none of them
# needs an action beyond going to a page (/GoTo), opening a web link (/URI), or another PDF
# (/GoToR, which the reader opens as a document of its own, under its own checks).
# - /JavaScript: runs code.
# - /Launch: starts a program or opens a file on the reader's machine.
# - /SubmitForm: sends the form's data (and with it who opened the file) to any address,
#   including file:// and UNC paths that make Windows hand over the user's credentials.
# - /ImportData: reads a data file from the reader's disk or network into the document.
# - /GoToE: opens a PDF embedded in this one, which this check does not inspect, scripts and all.
# - /RichMediaExecute: sends a command to embedded rich media (Flash, 3D), i.e. runs its scripts.
_REFUSED_ACTIONS = frozenset(
    ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute")
)
# Rich media annotations embed Flash or 3D content with its own scripts and run it when shown.
_REFUSED_ANNOTATIONS = frozenset(("/RichMedia",))
# A link (/URI action) whose address is code. Browsers ignore leading spaces and control
# characters and tabs or line breaks anywhere in an address, and schemes are case-insensitive.
_SCRIPT_SCHEMES = ("javascript:", "vbscript:")

# The walk visits (and holds waiting) at most this many objects. A 500-page report with twenty
# links on each page and a bookmark for each page needs about 22,000, checked in under two
# seconds; pypdf reads some 10,000 objects a second here, so the cap also bounds the time a file
# built to exhaust the check can take (about 8 seconds). Past it the file is refused, not
# accepted unchecked.
MAX_OBJECTS_CHECKED = 100_000
_TOO_COMPLEX = "too_complex"


def _is_script_address(address) -> bool:
    if isinstance(address, bytes):
        address = address.decode("latin-1")
    if not isinstance(address, str):
        return False
    address = address.strip("".join(map(chr, range(33))))
    address = address.replace("\t", "").replace("\n", "").replace("\r", "").lower()
    return address.startswith(_SCRIPT_SCHEMES)


def _value(obj: DictionaryObject, key: str):
    """The value of key, an indirect one resolved (the dictionary's get() leaves it a reference)."""
    value = obj.get(key)
    return value.get_object() if isinstance(value, IndirectObject) else value


def _is_active(obj: DictionaryObject) -> bool:
    if any(key in obj for key in _REFUSED_KEYS):
        return True
    kind = _value(obj, "/S")
    if isinstance(kind, NameObject) and kind in _REFUSED_ACTIONS:
        return True
    if kind == "/URI" and _is_script_address(_value(obj, "/URI")):
        return True
    subtype = _value(obj, "/Subtype")
    return isinstance(subtype, NameObject) and subtype in _REFUSED_ANNOTATIONS


def _active_content(reader: PdfReader) -> str | None:
    """Why the PDF is refused ("javascript", or _TOO_COMPLEX to check), or None.

    Iterative, so no nesting or chain length reaches Python's recursion limit; each indirect
    object is visited once, so loops (an action whose /Next is itself, a field its own kid) end.
    """
    # Each entry: an object to check, and whether it is an /AA dictionary (all values followed).
    stack: list[tuple[object, bool]] = []
    seen: set[tuple[int, int]] = set()

    def push(item, triggers: bool = False) -> None:
        if isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                return
            seen.add(ref)
        if isinstance(item, (IndirectObject, DictionaryObject, ArrayObject)):
            stack.append((item, triggers))

    push(reader.trailer.raw_get("/Root"))
    visited = 0
    while stack:
        obj, triggers = stack.pop()
        if isinstance(obj, IndirectObject):
            obj = obj.get_object()
            if isinstance(obj, IndirectObject):  # a reference to a reference
                push(obj, triggers)
                continue
        if not isinstance(obj, (DictionaryObject, ArrayObject)):
            continue
        visited += 1
        if visited + len(stack) > MAX_OBJECTS_CHECKED:
            return _TOO_COMPLEX
        if isinstance(obj, ArrayObject):
            for item in obj:
                push(item)
        elif triggers:
            for key in obj:
                push(obj.raw_get(key))
        elif _is_active(obj):
            return "javascript"
        else:
            for key in _FOLLOW:
                if key in obj:
                    push(obj.raw_get(key))
            if _TRIGGERS in obj:
                push(obj.raw_get(_TRIGGERS), triggers=True)
    return None
