"""Official names loaded with two spaces between words ("Xã  Bắc Đông Quan", 10 in the official list) get
one, in place: a spacing fix is not a rename for the crosswalk. The search name, folded, already had one."""

from django.db import migrations


def one_space(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    for unit in Unit.objects.filter(name__contains="  ").only("pk", "name"):
        Unit.objects.filter(pk=unit.pk).update(name=" ".join(unit.name.split()))


class Migration(migrations.Migration):
    dependencies = [("units", "0003_households_bound")]

    operations = [migrations.RunPython(one_space, migrations.RunPython.noop)]
