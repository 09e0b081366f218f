"""The lock files are in step with pyproject.toml: run scripts/lock when one of these fails."""

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
BUILD = [Requirement(spec) for spec in PROJECT["build-system"]["requires"]]
RUNTIME = [Requirement(spec) for spec in PROJECT["project"]["dependencies"]]
TEST = [Requirement(spec) for spec in PROJECT["project"]["optional-dependencies"]["test"]]
# What each lock must hold (scripts/lock resolves both for every supported Python and platform;
# a marker on a dependency of pyproject.toml is read for the extra each lock is made with).
LOCKS = {
    "requirements.txt": ({"extra": ""}, BUILD + RUNTIME),
    "requirements-test.txt": ({"extra": "test"}, BUILD + RUNTIME + TEST),
}
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def pins(lock: str) -> dict[str, list[tuple[Version, str, int]]]:
    """Each package the lock pins: its version, the environments it is for, how many hashes.

    A package may be pinned twice, for different environments (markers).
    """
    text = (ROOT / lock).read_text().replace("\\\n", " ")
    found = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        requirement = Requirement(line.split(" --hash=")[0])
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{lock}: not an exact pin: {line!r}"
        found.setdefault(canonicalize_name(requirement.name), []).append(
            (Version(specifier.version), str(requirement.marker or ""), len(HASH.findall(line)))
        )
    return found


@pytest.mark.parametrize("lock", LOCKS)
def test_every_dependency_is_locked_inside_its_range(lock):
    environment, wanted = LOCKS[lock]
    locked = pins(lock)
    missing, outside = [], []
    for requirement in wanted:
        if requirement.marker and not requirement.marker.evaluate(environment):
            continue
        name = canonicalize_name(requirement.name)
        if name not in locked:
            missing.append(str(requirement))
        for version, _marker, _hashes in locked.get(name, []):
            if not requirement.specifier.contains(version, prereleases=True):
                outside.append(f"{requirement} but {version}")
    assert not missing, f"{lock} lacks {missing}: run scripts/lock"
    assert not outside, f"{lock} pins outside pyproject.toml's range: {outside}: run scripts/lock"


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_carries_its_hashes(lock):
    assert "#    scripts/lock\n" in (ROOT / lock).read_text()
    assert [name for name, found in pins(lock).items() if any(not h for *_, h in found)] == []


def test_production_runs_the_versions_the_tests_ran():
    tested = pins("requirements-test.txt")
    different = {
        name: (found, tested.get(name))
        for name, found in pins("requirements.txt").items()
        if found != tested.get(name)
    }
    assert different == {}, "requirements.txt and requirements-test.txt differ: run scripts/lock"


def test_the_setup_installs_the_test_locks_pip_before_a_lock():
    """scripts/lib.sh installs this pip first: Python 3.11's own resolves a dependency asked
    for with an extra (pip-audit's CacheControl[filecache]) to its newest release, not the
    locked one, and hash-checking then refused a clean clone's install."""
    read = subprocess.run(
        ["bash", "-c", "source scripts/lib.sh && locked_pip"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    ((version, _marker, hashes),) = pins("requirements-test.txt")["pip"]
    assert read.startswith(f"pip=={version} \\\n")
    assert len(HASH.findall(read)) == hashes > 0
