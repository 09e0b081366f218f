"""Create the 14 industrial ecosystems of the Pact for Skills.

The ecosystems are fixed by the Pact, so they ship with the schema rather than with the
loadable data: every database has them from its first migration. Texts are filled in by
``load_pact_data`` and by curators.
"""

from django.db import migrations

# (name, slug, sub-sectors the Pact lists), in the Pact's own order.
ECOSYSTEMS = [
    (
        "Aerospace & Defence",
        "aerospace-defence",
        [
            "aircraft production",
            "space manufacturing and services",
            "defence products and technologies",
        ],
    ),
    ("Agri-food", "agri-food", ["plant production", "animal production", "food processing"]),
    (
        "Construction",
        "construction",
        [
            "renovation",
            "residential buildings",
            "non-residential buildings",
            "roads",
            "railways",
            "utilities",
            "civil engineering",
        ],
    ),
    (
        "Cultural & Creative Industries",
        "cultural-creative-industries",
        ["newspapers", "books", "motion pictures", "video", "television", "radio", "music"],
    ),
    (
        "Digital",
        "digital",
        [
            "telecommunications",
            "software",
            "programming",
            "data processing",
            "hosting",
            "manufacturing of computers and electronics",
        ],
    ),
    (
        "Energy-Intensive Industries",
        "energy-intensive-industries",
        [
            "raw materials",
            "chemicals",
            "iron and steel",
            "forest-based products",
            "plastics",
            "refining",
            "cement",
            "rubber",
            "metals",
            "fertilisers",
        ],
    ),
    (
        "Health",
        "health",
        [
            "pharmaceuticals and other medical products",
            "personal protective equipment",
            "medical services",
            "hospitals",
            "nursing homes",
            "residential care",
        ],
    ),
    (
        "Electronics",
        "electronics",
        [
            "raw materials",
            "semiconductor manufacturing tools",
            "design of semiconductor components",
        ],
    ),
    (
        "Mobility-Transport-Automotive",
        "mobility-transport-automotive",
        [
            "production of motor vehicles, ships and trains, and accessories",
            "repair and maintenance",
            "transport",
        ],
    ),
    (
        "Proximity & Social Economy",
        "proximity-social-economy",
        ["social enterprises", "associations", "cooperatives aiming at social impact"],
    ),
    (
        "Renewable Energy",
        "renewable-energy",
        [
            "electric motors, engines and turbines",
            "electric power generation",
            "manufacturing and distribution of gas",
        ],
    ),
    ("Retail", "retail", ["retail sales", "wholesale connected to consumers"]),
    ("Textiles", "textiles", ["textiles", "apparel", "footwear", "leather", "jewellery"]),
    (
        "Tourism",
        "tourism",
        [
            "passenger transport and travel",
            "hotels and short-term accommodation",
            "restaurants and catering",
            "events and theme parks",
        ],
    ),
]


def create_ecosystems(apps, schema_editor):
    Ecosystem = apps.get_model("ecosystems", "Ecosystem")
    for order, (name, slug, includes) in enumerate(ECOSYSTEMS, start=1):
        Ecosystem.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "display_order": order,
                "includes": "\n".join(includes),
                "icon": f"ecosystems/icons/{slug}.svg",
            },
        )


def delete_ecosystems(apps, schema_editor):
    Ecosystem = apps.get_model("ecosystems", "Ecosystem")
    Ecosystem.objects.filter(slug__in=[slug for _, slug, _ in ECOSYSTEMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("ecosystems", "0001_ecosystem")]

    operations = [migrations.RunPython(create_ecosystems, delete_ecosystems)]
