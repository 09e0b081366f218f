"""The text of each page of a PDF, read in a child process bounded in time and memory.

Extraction parses the uploader's bytes again, page by page, down to the fonts: a file built to
make it slow or large must cost a bounded amount whatever it holds. So the parent never parses:
it runs this module (``python -m partnerships.pdftext``) with the PDF on standard input, a
deadline (``subprocess`` kills the child when it passes) and an address-space limit the child
sets on itself before reading a byte, and takes the pages back as JSON. The module imports no
Django, so the child starts in a fraction of a second.

pypdf reads the text: already the portal's PDF library (``partnerships.pdf``), maintained,
pure Python (a hostile file meets no native parser), and its text is in reading order for the
single-column agreements and reports the Pact publishes. pypdfium2 is faster but a native
binary; pdfminer.six lays out columns better at several times the time; PyMuPDF is AGPL.
"""

import io
import json
import re
import resource
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

# What one page and one file may hold: far beyond any real page (a dense A4 page is some
# 5,000 characters), and within what PostgreSQL's text search keeps of a page (a tsvector
# holds at most 1 MB).
MAX_PAGE_CHARS = 100_000
MAX_PAGES = 3_000
# And the whole file (some 1,000 dense pages): what the parent takes back stays small.
MAX_TEXT_CHARS = 5_000_000
MAX_OUTLINE_ENTRIES = 2_000
MAX_HEADING_CHARS = 300

# Snippets mark the words found between these two characters (``DocumentPage.matches()``); the
# text never holds them, so a marker is always ours. Control characters go too (PostgreSQL
# refuses NUL in text; the rest are never meant to be read).
MARK_START, MARK_STOP = "\ue000", "\ue001"
_UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")
_BLANK_LINES = re.compile(r"\n\s*\n\s*\n+")
_SPACES = re.compile(r"[ \t\u00a0]+")

_PROJECT = Path(__file__).resolve().parent.parent


class ExtractionFailed(Exception):
    """The PDF's text could not be read: damaged, too large to read, or too slow."""


class ExtractionTimedOut(ExtractionFailed):
    pass


@dataclass
class Page:
    number: int
    text: str
    headings: list[list] = field(default_factory=list)  # [level, title] of outline entries


def clean(text: str, limit: int = MAX_PAGE_CHARS) -> str:
    text = _UNWANTED.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()[:limit].rstrip()


def _outline(reader) -> dict[int, list[list]]:
    """The outline's entries by the page (from 1) they open, each ``[level, title]``."""
    headings: dict[int, list[list]] = {}
    stack = [(entry, 1) for entry in reversed(reader.outline)]
    count = 0
    while stack and count < MAX_OUTLINE_ENTRIES:
        entry, level = stack.pop()
        if isinstance(entry, list):
            # A list after an entry holds that entry's children.
            stack += [(child, level + 1) for child in reversed(entry)]
            continue
        count += 1
        try:
            number = reader.get_destination_page_number(entry)
        except Exception:  # a bookmark to nowhere is no heading
            continue
        title = clean(str(entry.title or ""), MAX_HEADING_CHARS).replace("\n", " ")
        if number is not None and number >= 0 and title:
            headings.setdefault(number + 1, []).append([min(level, 4), title])
    return headings


def extract(data) -> list[Page]:
    """Each page's text and the outline's headings that open on it. Runs in the child."""
    reader = PdfReader(data)
    try:
        headings = _outline(reader)
    except Exception:  # a damaged outline leaves the text readable
        headings = {}
    pages, left = [], MAX_TEXT_CHARS
    for index, page in enumerate(reader.pages[:MAX_PAGES]):
        try:
            text = clean(page.extract_text() or "", min(MAX_PAGE_CHARS, left)) if left else ""
        except Exception:  # a page pypdf cannot read is a page without text
            text = ""
        left -= len(text)
        pages.append(Page(index + 1, text, headings.get(index + 1, [])))
    return pages


def extract_bounded(data: bytes, *, seconds: float, memory_mb: int) -> list[Page]:
    """``extract()`` in a child process that is killed after ``seconds`` and may use at most
    ``memory_mb`` of address space; ExtractionFailed if it cannot finish within them."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "partnerships.pdftext", str(memory_mb)],
            input=data,
            capture_output=True,
            timeout=seconds,
            cwd=_PROJECT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExtractionTimedOut(f"no text after {seconds:g} s") from exc
    if done.returncode != 0:
        last = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
        raise ExtractionFailed(last[0] if last else f"exit status {done.returncode}")
    return [Page(**page) for page in json.loads(done.stdout)]


def _child(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    pages = extract(io.BytesIO(sys.stdin.buffer.read()))
    json.dump([page.__dict__ for page in pages], sys.stdout)


if __name__ == "__main__":
    _child(int(sys.argv[1]))
