"""What the portal knows about an uploaded PDF, and the checks an upload must pass."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader

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
        scripted = not encrypted and _has_javascript(reader)
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
    if scripted:
        raise ValidationError(
            _("The PDF contains JavaScript; upload a copy without scripts or form actions."),
            code="javascript",
        )
    if page_count < 1:
        raise ValidationError(_("The PDF has no pages."), code="no_pages")
    return PdfFacts(size_bytes=size, page_count=page_count, sha256=digest.hexdigest())


# Where a PDF can carry a script that a reader runs: the document's named scripts, what it does
# on opening, and actions on the document, its pages or their annotations.
_SCRIPT_KEYS = ("/JS", "/JavaScript")


def _is_script_action(action) -> bool:
    action = action.get_object() if action is not None else None
    return isinstance(action, dict) and (
        action.get("/S") == "/JavaScript" or any(key in action for key in _SCRIPT_KEYS)
    )


def _has_javascript(reader: PdfReader) -> bool:
    catalog = reader.trailer["/Root"]
    names = catalog.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        return True
    if _is_script_action(catalog.get("/OpenAction")):
        return True
    holders = [catalog, *(page for page in reader.pages)]
    for page in reader.pages:
        holders.extend(annotation.get_object() for annotation in page.get("/Annots", []) or [])
    for holder in holders:
        if _is_script_action(holder.get("/A")):
            return True
        triggers = holder.get("/AA")
        if triggers is not None and any(
            _is_script_action(action) for action in triggers.get_object().values()
        ):
            return True
    return False
