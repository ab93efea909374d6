"""VNeID's level as the law and the handbook name it: "mức độ 2" (the starting name said "mức 2"); a name an
officer has changed is left as they wrote it."""

from django.db import migrations


def rename(apps, schema_editor):
    DigitalService = apps.get_model("catalogue", "DigitalService")
    DigitalService.objects.filter(code="vneid", name="Định danh điện tử mức 2 (VNeID)").update(
        name="Định danh điện tử mức độ 2 (VNeID)"
    )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_content")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
