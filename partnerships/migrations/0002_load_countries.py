"""Fill the country table from the ISO 3166-1 list that django-countries maintains."""

from django.db import migrations
from django_countries.data import COUNTRIES


def load_countries(apps, schema_editor):
    Country = apps.get_model("partnerships", "Country")
    existing = set(Country.objects.values_list("code", flat=True))
    Country.objects.bulk_create(
        Country(code=code, name=str(name))
        for code, name in sorted(COUNTRIES.items())
        if code not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("partnerships", "0001_initial")]

    # Going back needs no data step: the previous migration's reverse drops the whole table,
    # and organisations and regions may still refer to the rows until then.
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
