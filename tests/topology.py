"""deploy/local-up and local-down from Python, for the topology test and the benchmark.

The topology's folder is made outside pytest's own temporary folder, which only its user may
enter: run as root, local-up hands the topology to a user of no privilege.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]


class LocalTopology:
    """One topology on this machine: its folder, environment, port and processes."""

    def __init__(self, database_url: str, redis_url: str, **variables: str):
        self.state = Path(tempfile.mkdtemp(prefix="pactportal-topology-"))
        self.state.chmod(0o755)
        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", "/tmp"),
            "LOCAL_TOPOLOGY_DIR": str(self.state),
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            **variables,
        }
        self.port = 0

    def run(self, *command: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            command, cwd=BASE_DIR, env=self.env, capture_output=True, text=True, timeout=600
        )

    def up(self, *options: str) -> subprocess.CompletedProcess:
        """deploy/local-up with these options; the port it chose once it is up."""
        done = self.run("deploy/local-up", *options)
        if done.returncode == 0:
            values = dict(
                line.split("=", 1)
                for line in (self.state / "topology.env").read_text().splitlines()
            )
            self.port = int(values["PORT"])
        return done

    def down(self) -> subprocess.CompletedProcess:
        """deploy/local-down, then the topology's folder goes."""
        done = self.run("deploy/local-down")
        shutil.rmtree(self.state, ignore_errors=True)
        return done

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pid(self, name: str) -> int:
        return int((self.state / name).read_text())
