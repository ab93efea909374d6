from django.db import migrations

from tocns.catalogue.data import ensure_services


def seed(apps, schema_editor):
    ensure_services(apps.get_model("activities", "DigitalService"))


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
