# The services now point at catalogue.DigitalService, the same table (see catalogue 0001): only Django's
# record changes; the columns and their constraints stay.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0001_digital_services_from_activities'),
        ('plans', '0002_paths_compare_bytes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='target',
                    name='service',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalogue.digitalservice', verbose_name='dịch vụ số'),
                ),
                migrations.AlterField(
                    model_name='task',
                    name='service',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalogue.digitalservice', verbose_name='dịch vụ số'),
                ),
            ],
            database_operations=[],
        ),
    ]
