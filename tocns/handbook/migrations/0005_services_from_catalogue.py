# The services now point at catalogue.DigitalService, the same table (see catalogue 0001): only Django's
# record changes; the columns and their constraints stay.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalogue', '0001_digital_services_from_activities'),
        ('handbook', '0004_index_words_without_punctuation'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='article',
                    name='services',
                    field=models.ManyToManyField(blank=True, related_name='articles', to='catalogue.digitalservice', verbose_name='dịch vụ số'),
                ),
            ],
            database_operations=[],
        ),
    ]
