# The catalogue left for its own app (see catalogue 0001): the outcomes and totals point at
# catalogue.DigitalService on the same table, and activities' record of the model goes. Only Django's record.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0003_services_from_catalogue'),
        ('handbook', '0005_services_from_catalogue'),
        ('activities', '0005_totals_from_reports'),
        ('catalogue', '0001_digital_services_from_activities'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='teamyearoutcome',
                    name='service',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalogue.digitalservice'),
                ),
                migrations.AlterField(
                    model_name='teammonthoutcome',
                    name='service',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalogue.digitalservice'),
                ),
                migrations.AlterField(
                    model_name='outcome',
                    name='service',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='outcomes', to='catalogue.digitalservice'),
                ),
                migrations.AlterField(
                    model_name='areamonthoutcome',
                    name='service',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalogue.digitalservice'),
                ),
                migrations.DeleteModel(
                    name='DigitalService',
                ),
            ],
            database_operations=[],
        ),
    ]
