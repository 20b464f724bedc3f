from django.db import migrations

from siso_platform.casework import catalogues


def seed(apps, schema_editor):
    catalogues.load(apps.get_model("casework", "NeedCategory"), apps.get_model("casework", "CatalogueItem"))


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
