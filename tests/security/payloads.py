"""What the hostile-input tests send, and how they tell that nothing sent ever runs."""

from html.parser import HTMLParser

SCRIPT = '<script>alert("pact")</script>'
HOSTILE = {
    "xss": SCRIPT,
    "xss-attribute": '" onmouseover="alert(1)" x="',
    "sql": "' OR 1=1; DROP TABLE partnerships_partnership; --",
    "traversal": "../../../../etc/passwd",
    "oversized": "x" * 20_000,
    "nul": "pact\x00skills",
    "lone-surrogate": "pact\ud800skills",
    "right-to-left": "\u202egnp.exe",
    "formula": '=HYPERLINK("http://evil.example/","click")',
}
# Text that is not UTF-8 at all, as raw percent-escapes in a URL: invalid bytes, an overlong
# "/", a lone surrogate encoded as if it were a character, a NUL.
MALFORMED_QUERIES = ["%ff%fe%fd", "%c0%af", "%ed%a0%80", "%00"]


def encodable(value: str) -> str:
    """A lone surrogate cannot travel as UTF-8; browsers send the replacement character."""
    return value.encode("utf-8", "replace").decode("utf-8")


class ScriptFinder(HTMLParser):
    """What a browser would run: script elements and event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        # A data block (the pages' JSON-LD) is never run; its text is JSON, escaped.
        self._in_script = tag == "script" and dict(attrs).get("type") != "application/ld+json"
        self.handlers += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.scripts.append(data)


def assert_escaped(html: str):
    """The hostile markup reached the page, if at all, as text: nothing in it would run."""
    finder = ScriptFinder()
    finder.feed(html)
    assert not [s for s in finder.scripts if "alert" in s], finder.scripts
    assert not finder.handlers, finder.handlers
