"""The systemd units of deploy/: `systemd-analyze verify` passes, and they agree with the
example environment file and the nginx site."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.test_config_files_environment import EXAMPLE, ROOT, example_values
from tests.deploy.test_config_files_nginx import listen_on_loopback, render_nginx

SYSTEMD_DIR = ROOT / "deploy" / "systemd"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
# The web server and the background worker.
SERVICES = ("pactportal.service", "pactportal-worker.service")


def test_the_example_agrees_with_the_systemd_units_and_nginx(tmp_path):
    assert "/etc/pactportal/pactportal.env" in EXAMPLE.read_text()
    for name in SERVICES:
        service = (SYSTEMD_DIR / name).read_text()
        assert "EnvironmentFile=/etc/pactportal/pactportal.env" in service
        # The one folder each may write is where documents (and the open data ZIPs) go.
        assert f"ReadWritePaths={example_values()['MEDIA_ROOT']}" in service
    # X-Accel-Redirect names an internal location of the rendered site.
    rendered = render_nginx(tmp_path, listen_conf=listen_on_loopback(tmp_path))
    internal = re.findall(r"location (\S+) \{\s*internal;", rendered)
    assert example_values()["DOCUMENT_ACCEL_REDIRECT"] in internal


def systemd_verify(root: Path, units: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SYSTEMD_ANALYZE, "verify", f"--root={root}", *map(str, units)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(not SYSTEMD_ANALYZE, reason="systemd-analyze is not installed")
def test_the_systemd_units_verify(tmp_path):
    """`systemd-analyze verify` in a root of its own: the system's units, the portal's, and a
    stand-in at each path the service executes (gunicorn is not installed at /srv here)."""
    root = tmp_path / "root"
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    units_dir = root / "etc/systemd/system"
    units_dir.mkdir(parents=True)
    for unit in SYSTEMD_DIR.iterdir():
        shutil.copy(unit, units_dir / unit.name)
    for name in SERVICES:
        unit = (SYSTEMD_DIR / name).read_text()
        for command in re.findall(r"^Exec\w+=[-@:+!]*(/\S+)", unit, re.MULTILINE):
            stand_in = root / command.lstrip("/")
            stand_in.parent.mkdir(parents=True, exist_ok=True)
            stand_in.write_text("#!/bin/sh\n")
            stand_in.chmod(0o755)
    service = (SYSTEMD_DIR / "pactportal.service").read_text()
    units = [units_dir / "pactportal.socket", *(units_dir / name for name in SERVICES)]

    result = systemd_verify(root, units)
    assert result.returncode == 0, result.stderr
    # Unknown keys and values systemd cannot parse are ignored with a message, not an error.
    assert result.stderr.strip() == ""

    # The check sees such mistakes: a misspelt key is reported.
    (units_dir / "pactportal.service").write_text(
        service.replace("ProtectSystem=", "ProtectSytem=")
    )
    assert "Unknown key 'ProtectSytem'" in systemd_verify(root, units).stderr
