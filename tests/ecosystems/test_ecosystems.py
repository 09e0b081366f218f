import xml.etree.ElementTree as ElementTree

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from ecosystems.models import Ecosystem

pytestmark = pytest.mark.django_db

PACT_ECOSYSTEMS = [
    "Aerospace & Defence",
    "Agri-food",
    "Construction",
    "Cultural & Creative Industries",
    "Digital",
    "Energy-Intensive Industries",
    "Health",
    "Electronics",
    "Mobility-Transport-Automotive",
    "Proximity & Social Economy",
    "Renewable Energy",
    "Retail",
    "Textiles",
    "Tourism",
]


def test_the_14_ecosystems_exist_in_the_pacts_order():
    assert list(Ecosystem.objects.values_list("name", flat=True)) == PACT_ECOSYSTEMS


def test_each_ecosystem_lists_what_it_includes():
    textiles = Ecosystem.objects.get(slug="textiles")
    assert textiles.included_sectors == ["textiles", "apparel", "footwear", "leather", "jewellery"]
    assert all(ecosystem.included_sectors for ecosystem in Ecosystem.objects.all())


def test_each_ecosystem_has_its_own_self_contained_svg_icon():
    for ecosystem in Ecosystem.objects.all():
        path = settings.BASE_DIR / "static" / ecosystem.icon
        assert path.is_file(), f"missing icon for {ecosystem.slug}"
        root = ElementTree.parse(path).getroot()
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.get("aria-hidden") == "true"
        markup = path.read_text()
        for forbidden in ("<script", "href", "<image", "@import", "url("):
            assert forbidden not in markup, f"{ecosystem.slug} icon contains {forbidden}"
        assert ecosystem.icon_url == f"/static/{ecosystem.icon}"


def test_an_icon_must_exist_among_the_static_files():
    digital = Ecosystem.objects.get(slug="digital")
    digital.icon = "ecosystems/icons/quantum.svg"
    with pytest.raises(ValidationError, match="no such file"):
        digital.full_clean()
    digital.icon = "ecosystems/icons/electronics.svg"
    digital.full_clean()
