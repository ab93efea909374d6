# AreaStamp moved to core (core.stamps): the ground keeps it, since units, teams, training and plans write it
# and must not import reports. Only Django's record of the model goes; the table stays for core, which
# takes it over in core 0002 and renames it.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0009_totals_64_bit"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AreaStamp")],
            database_operations=[],
        ),
    ]
