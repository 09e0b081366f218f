"""A worker killed mid-save leaves nothing half-written."""

import os
import signal
import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from django.conf import settings

from partnerships.models import Partnership
from tests.pactportal.test_settings import ROOT

pytestmark = pytest.mark.django_db

# A curator's API write of a partnership with its countries and linked ecosystems: one request,
# several tables. The script stops, inside the save, once the partnership row and its
# history are written and the first links are being added, and waits there to be killed.
CURATORS_SAVE = """
import sys, time, django
django.setup()
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed
from django.urls import reverse
from rest_framework.test import APIClient
from partnerships.models import Partnership

username, slug = sys.argv[1], sys.argv[2]
curator = get_user_model().objects.create_superuser(username, f"{username}@example.eu", None)

def stop_inside_the_save(sender, action, **kwargs):
    if action == "post_add":
        print("inside the save", flush=True)
        time.sleep(120)

m2m_changed.connect(stop_inside_the_save, sender=Partnership.countries.through)
client = APIClient()
client.force_authenticate(curator)
client.post(reverse("api:partnership-list"), {
    "slug": slug, "name": "Basque Skills Partnership", "kind": "regional", "scope": "regional",
    "countries": ["ES", "FR"], "linked_ecosystems": ["digital"], "launched": "2024-03",
    "status": "draft",
}, format="json")
print("the save finished", flush=True)
"""


def server_connection():
    db = settings.DATABASES["default"]
    return psycopg.connect(
        dbname=db["NAME"],
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        autocommit=True,
    )


def test_a_worker_killed_in_the_middle_of_a_save_leaves_no_half_written_partnership():
    db = settings.DATABASES["default"]
    tag = uuid.uuid4().hex[:12]
    username, slug, app = f"curator-{tag}", f"killed-{tag}", f"killed-worker-{tag}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    database_url = (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}?application_name={app}"
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", CURATORS_SAVE, username, slug],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "testserver",
            "ENV_FILE": "/nonexistent/.env",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = worker.stdout.readline()
        assert line.strip() == "inside the save", worker.stderr.read()
        with server_connection() as server:
            # Inside the save, the partnership row is written but not committed.
            (open_writes,) = server.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                "AND state = 'idle in transaction'",
                [app],
            ).fetchone()
            assert open_writes == 1
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            # PostgreSQL rolls the transaction back when the worker's connection drops.
            for _ in range(100):
                if not server.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE application_name = %s", [app]
                ).fetchone():
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the killed worker's connection never closed")
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.stdout.close()
        worker.stderr.close()
        with server_connection() as server:
            server.execute("DELETE FROM auth_user WHERE username = %s", [username])

    assert worker.returncode == -signal.SIGKILL
    assert not Partnership.objects.filter(slug=slug).exists()
    assert not Partnership.history.model.objects.filter(slug=slug).exists()
    assert not Partnership.countries.through.objects.filter(partnership__slug=slug).exists()
