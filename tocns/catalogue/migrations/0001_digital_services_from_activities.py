# DigitalService moved here from activities: handbook and plans refer to the catalogue and must not import
# activities. The model is taken over on its old table (renamed in 0002, once nothing in Django's record
# points at the old model); on a new database activities 0001 made the table and 0002 filled it.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0005_totals_from_reports'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DigitalService',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.SlugField(max_length=30, unique=True, verbose_name='mã')),
                        ('name', models.CharField(max_length=150, verbose_name='tên')),
                        ('short_name', models.CharField(max_length=40, verbose_name='tên ngắn')),
                        ('completed_label', models.CharField(default='hoàn thành', help_text='ví dụ: đã kích hoạt', max_length=60, verbose_name='kết quả hoàn thành gọi là')),
                        ('description', models.CharField(blank=True, max_length=300, verbose_name='mô tả')),
                        ('sort_order', models.PositiveSmallIntegerField(default=100, verbose_name='thứ tự')),
                        ('retired_on', models.DateField(blank=True, null=True, verbose_name='ngừng dùng từ')),
                    ],
                    options={
                        'db_table': 'activities_digitalservice',
                        'verbose_name': 'dịch vụ số',
                        'ordering': ['sort_order', 'code'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
