"""The OpenAPI schema: valid, offline, and true to what every operation really answers."""

import re

import pytest
import yaml
from django.core.management import call_command

from tests.conftest import loaded_assets


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    document = yaml.safe_load(target.read_text())
    assert document["openapi"].startswith("3.")
    assert "/api/v1/partnerships/{slug}/members/" in document["paths"]


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_api_documentation_renders_from_our_own_server(client, url):
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assets = loaded_assets(html) + re.findall(r'src="([^"]+)"', html)
    assert any("drf_spectacular_sidecar" in asset for asset in assets)
    assert all(asset.startswith("/") and not asset.startswith("//") for asset in assets)
    for asset in {a for a in assets if a.startswith("/static/")}:
        # Served by the staticfiles finders here, by the web server in production.
        from django.contrib.staticfiles import finders

        assert finders.find(asset.removeprefix("/static/")), asset


# Every operation against what its schema says, with every schemathesis check on, anonymously
# and as a curator: tests/security/test_schemathesis.py.


def test_a_wrong_token_is_refused_even_for_a_read(client, db):
    response = client.get("/api/v1/partnerships/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."
