"""Payment and safety named as the ministry's contents name them (Công văn 793/BTTTT-THH): one name per thing
on every page and report. Names an officer has changed are left as they wrote them."""

from django.db import migrations

RENAMES = [
    (
        "cashless",
        ("Thanh toán không dùng tiền mặt (tài khoản, QR, Mobile Money)", "Thanh toán số"),
        ("Thanh toán trực tuyến (tài khoản, mã QR, Mobile Money)", "Thanh toán trực tuyến"),
    ),
    (
        "online_safety",
        ("An toàn thông tin / phòng chống lừa đảo", "Chống lừa đảo"),
        ("Tự bảo vệ mình trên môi trường mạng, phòng chống lừa đảo", "Chống lừa đảo"),
    ),
]


def rename(apps, schema_editor):
    DigitalService = apps.get_model("catalogue", "DigitalService")
    for code, (old_name, old_short), (name, short) in RENAMES:
        DigitalService.objects.filter(code=code, name=old_name, short_name=old_short).update(
            name=name, short_name=short
        )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_vneid_named_as_the_law_names_it")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
