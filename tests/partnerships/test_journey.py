"""The newcomer's path through the real data, following the links the pages really show."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PARTNERSHIP = "Madrid Oeste Tecnológico Regional Skills Partnership"


def link(html: str, text: str) -> str:
    """The href of the first link whose text starts with ``text``."""
    match = re.search(rf'<a href="([^"]+)"[^>]*>{re.escape(text)}', html)
    assert match, f"no link “{text}”"
    return match.group(1).replace("&amp;", "&")


def test_home_to_ecosystem_to_partnership_to_its_agreement(client, pact_data):
    home = client.get(reverse("ecosystems:home")).content.decode()
    ecosystem = client.get(link(home, "Digital")).content.decode()
    partnership = client.get(link(ecosystem, PARTNERSHIP)).content.decode()

    assert f"<h1>{PARTNERSHIP}" in partnership
    # The agreement's link opens the Pact's listing page, and says so.
    agreement = link(partnership, "English (web page)")
    assert agreement.startswith("https://pact-for-skills.ec.europa.eu/")


def test_the_same_partnership_by_country_and_by_name(client, pact_data):
    listed = client.get(
        reverse("partnerships:list"), {"country": "ES", "kind": "regional"}
    ).content.decode()
    found = client.get(reverse("partnerships:search"), {"q": "Madrid Oeste"}).content.decode()
    assert PARTNERSHIP in listed
    assert link(found, PARTNERSHIP) == link(listed, PARTNERSHIP)
