"""Settings come from the environment, and production refuses unsafe ones.

Each case starts a fresh Python process, because settings are read once at start-up.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-strong-key-for-these-tests-only-7b1e5d9c03f6a2e48d7c1b9a"
PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print('|'.join(map(str, [s.DEBUG, s.DATABASES['default']['ENGINE'], "
    "s.CACHES['default']['BACKEND'], s.ALLOWED_HOSTS, s.MEDIA_ROOT])))"
)


def clean_environment(**env: str) -> dict[str, str]:
    """Only what the case sets; a developer's .env (written by scripts/run) is not read."""
    base = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "pactportal.settings",
        "ENV_FILE": "/nonexistent/.env",
        **env,
    }


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """``code`` in a fresh interpreter that sees only ``env`` (and the basics)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_with(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run_python(PRINT_SETTINGS, **env)


def test_production_refuses_to_start_without_a_secret_key():
    result = run_with({"ALLOWED_HOSTS": "pact.example.eu"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_with({"SECRET_KEY": SECRET})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = run_with({"SECRET_KEY": SECRET, "ALLOWED_HOSTS": "pact.example.eu"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False|")


def test_quick_start_defaults_to_sqlite_and_local_memory_cache():
    result = run_with({"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    debug, engine, cache, hosts, media = result.stdout.strip().split("|")
    assert debug == "True"
    assert engine == "django.db.backends.sqlite3"
    assert cache == "django.core.cache.backends.locmem.LocMemCache"
    assert "127.0.0.1" in hosts
    assert media == str(ROOT / "media")


def test_database_redis_and_media_come_from_the_environment(tmp_path):
    result = run_with(
        {
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": "pact.example.eu,www.pact.example.eu",
            "DATABASE_URL": "postgres://portal:secret@db.internal:5432/pactportal",
            "REDIS_URL": "redis://127.0.0.1:6379/1",
            "MEDIA_ROOT": str(tmp_path),
        }
    )
    assert result.returncode == 0, result.stderr
    assert "django.db.backends.postgresql" in result.stdout
    assert "django_redis.cache.RedisCache" in result.stdout
    assert "['pact.example.eu', 'www.pact.example.eu']" in result.stdout
    assert result.stdout.strip().endswith(str(tmp_path))


def test_with_redis_url_the_portal_caches_in_redis(redis_server):
    key = f"settings-test-{uuid.uuid4().hex}"
    store = (
        "import django; django.setup(); from django.core.cache import cache; "
        f"cache.set('{key}', 'pact', timeout=60); print(cache.make_key('{key}'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", store],
        cwd=ROOT,
        env=clean_environment(DEBUG="true", REDIS_URL=f"{redis_server}/0"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    client = redis.Redis.from_url(f"{redis_server}/0")
    stored_key = result.stdout.strip()
    try:
        assert stored_key.startswith("pactportal:")
        assert client.exists(stored_key)
    finally:
        client.delete(stored_key)


def test_the_quick_start_migrates_loads_and_serves_on_sqlite(tmp_path):
    # The quick start's own path, in its own process: PostgreSQL-only structures (GIN indexes,
    # stored search vectors, NULLS LAST indexes) must stay out of SQLite's way.
    env = clean_environment(DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'quick.sqlite3'}")
    for command in (["migrate", "--noinput"], ["load_pact_data"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr

    def printed(code: str) -> list[str]:
        """What ``code`` prints, run in the quick start's environment."""
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    pages = (
        "import django; django.setup(); from django.test import Client; "
        "from django.urls import reverse; c = Client(HTTP_HOST='localhost'); "
        "print(*[c.get(reverse(name, args=args) + query).status_code for name, args, query in ["
        "('ecosystems:home', [], ''), ('partnerships:search', [], '?q=skills'), "
        "('partnerships:list', [], '?country=IT'), ('partnerships:document_list', [], ''), "
        "('ecosystems:detail', ['digital'], ''), ('partnerships:list', [], '?ecosystem=digital')]])"
    )
    assert printed(pages) == ["200"] * 6

    # A consortium that fails rules, checked with the directory's suggestions for each.
    check = (
        "import django; django.setup(); from django.test import Client; "
        "from django.urls import reverse; from tests.alliances.builders import checker_query; "
        "address = reverse('alliances:check') + '?' + checker_query(); "
        "r = Client(HTTP_HOST='localhost').get(address); "
        "print(r.status_code, r.content.decode().count('name=\"add\"') > 0)"
    )
    assert printed(check) == ["200", "True"]

    # SQLite's own triggers keep where partnerships have members, through loads and moves.
    presences = (
        "import django; django.setup(); from collections import Counter; "
        "from partnerships.models import Membership, Organisation, Presence; "
        "truth = lambda: Counter((m.partnership_id, m.organisation.country_id) "
        "for m in Membership.objects.select_related('organisation') "
        "if m.organisation.status == 'published' and m.organisation.country_id); "
        "kept = lambda: Counter({(p.partnership_id, p.country_id): p.members "
        "for p in Presence.objects.all()}); "
        "before = kept() == truth() and bool(truth()); "
        "member = Membership.objects.first().organisation; "
        "Organisation.objects.filter(pk=member.pk).update(country_id='MT'); "
        "moved = kept() == truth(); "
        "Membership.objects.filter(organisation=member).delete(); "
        "print(before, moved, kept() == truth())"
    )
    assert printed(presences) == ["True", "True", "True"]

    # And how many published partnerships each organisation is a member of.
    engagements = (
        "import django; django.setup(); from collections import Counter; "
        "from partnerships.models import Engagement, Membership, Organisation, Partnership; "
        "truth = lambda: Counter(m.organisation_id for m in "
        "Membership.objects.select_related('partnership', 'organisation') "
        "if m.partnership.status == 'published' and m.organisation.status == 'published'); "
        "kept = lambda: Counter({e.organisation_id: e.partnerships "
        "for e in Engagement.objects.all()}); "
        "before = kept() == truth() and bool(truth()); "
        "p = Membership.objects.first().partnership; "
        "Partnership.objects.filter(pk=p.pk).update(status='archived'); "
        "withdrawn = kept() == truth(); "
        "Partnership.objects.filter(pk=p.pk).update(status='published'); "
        "back = kept() == truth(); "
        "m = Membership.objects.filter(partnership=p).first(); "
        "Membership.objects.filter(pk=m.pk).update(partnership=Partnership.objects.exclude("
        "pk=p.pk).exclude(memberships__organisation=m.organisation).first()); "
        "moved = kept() == truth(); "
        "o = Membership.objects.filter(partnership=p).first().organisation_id; "
        "Organisation.objects.filter(pk=o).update(status='archived'); "
        "hidden = kept() == truth(); "
        "Organisation.objects.filter(pk=o).update(status='published'); "
        "shown = kept() == truth(); "
        "Membership.objects.filter(partnership=p).delete(); "
        "print(before, withdrawn, back, moved, hidden, shown, kept() == truth())"
    )
    assert printed(engagements) == ["True"] * 7

    # And how many published members each partnership has.
    headcounts = (
        "import django; django.setup(); from collections import Counter; "
        "from partnerships.models import Headcount, Membership, Organisation, Partnership; "
        "truth = lambda: Counter(m.partnership_id for m in "
        "Membership.objects.select_related('organisation') "
        "if m.organisation.status == 'published'); "
        "kept = lambda: Counter({h.partnership_id: h.members for h in Headcount.objects.all()}); "
        "before = kept() == truth() and bool(truth()); "
        "m = Membership.objects.first(); "
        "Organisation.objects.filter(pk=m.organisation_id).update(status='archived'); "
        "hidden = kept() == truth(); "
        "Organisation.objects.filter(pk=m.organisation_id).update(status='published'); "
        "shown = kept() == truth(); "
        "Membership.objects.filter(pk=m.pk).update(partnership=Partnership.objects.exclude("
        "memberships__organisation=m.organisation).first()); "
        "moved = kept() == truth(); "
        "Membership.objects.filter(organisation=m.organisation).delete(); "
        "print(before, hidden, shown, moved, kept() == truth())"
    )
    assert printed(headcounts) == ["True"] * 5

    # And how many memberships each organisation holds in each ecosystem's published
    # large-scale partnerships and alliances.
    involvements = (
        "import django; django.setup(); from collections import Counter; "
        "from alliances.models import Alliance, AllianceMember, Involvement; "
        "from partnerships.models import Membership, Partnership; "
        "lsp = lambda p: p.status == 'published' and p.kind == 'large-scale'; "
        "truth = lambda: Counter([(m.organisation_id, m.partnership.ecosystem_id) for m in "
        "Membership.objects.select_related('partnership') if lsp(m.partnership)] + "
        "[(m.organisation_id, m.alliance.ecosystem_id) for m in "
        "AllianceMember.objects.select_related('alliance') "
        "if m.alliance.status == 'published' and m.alliance.ecosystem_id]); "
        "kept = lambda: Counter({(i.organisation_id, i.ecosystem_id): i.memberships "
        "for i in Involvement.objects.all()}); "
        "before = kept() == truth() and bool(truth()); "
        "a = AllianceMember.objects.first().alliance; "
        "Alliance.objects.filter(pk=a.pk).update(status='archived'); "
        "withdrawn = kept() == truth(); "
        "Alliance.objects.filter(pk=a.pk).update(status='published'); "
        "back = kept() == truth(); "
        "p = Partnership.objects.filter(kind='large-scale', memberships__isnull=False).first(); "
        "Partnership.objects.filter(pk=p.pk).update(ecosystem=Partnership.objects.exclude("
        "ecosystem=p.ecosystem).filter(kind='large-scale').first().ecosystem); "
        "moved = kept() == truth(); "
        "m = Membership.objects.filter(partnership=p).first(); "
        "Membership.objects.filter(pk=m.pk).update(partnership=Partnership.objects.exclude("
        "memberships__organisation=m.organisation).filter(kind='large-scale').first()); "
        "member_moved = kept() == truth(); "
        "AllianceMember.objects.filter(alliance=a).delete(); "
        "print(before, withdrawn, back, moved, member_moved, kept() == truth())"
    )
    assert printed(involvements) == ["True"] * 6


@pytest.mark.parametrize(("value", "expected"), [("30/minute", "30/minute"), ("off", "None")])
def test_the_anonymous_api_limit_comes_from_the_environment_and_can_be_lifted(value, expected):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['anon'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_environment(DEBUG="true", API_THROTTLE_ANON=value),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
