"""The code stays readable for the next engineer: no module grows past a screenful of screens."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["core", "ecosystems", "partnerships", "alliances", "figures", "pactportal", "tests"]
# About 600 lines: past that a module holds more than one idea and should become a package.
MAX_LINES = 620


def modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


@pytest.mark.parametrize("path", list(modules()), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_module_is_longer_than_about_600_lines(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it by concept"
