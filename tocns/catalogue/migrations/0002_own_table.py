# The catalogue's table takes its app's name (activities_digitalservice -> catalogue_digitalservice), now that
# every reference in Django's record points at catalogue.DigitalService. The rows, and the foreign keys of
# outcomes, totals, targets, tasks and guides, stay.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_digital_services_from_activities"),
        ("activities", "0006_services_to_catalogue"),
    ]

    operations = [
        migrations.AlterModelTable(name="digitalservice", table=None),
    ]
