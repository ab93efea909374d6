"""Demo data for a laptop: one real province (Lào Cai, its real communes) with synthetic villages and one
user per role. Every synthetic row is labelled is_synthetic and "(mô phỏng)" is never hidden."""

import random

from django.db import transaction

from tocns.accounts import services as account_services
from tocns.accounts.models import Role, User
from tocns.units.models import Unit, UnitKind
from tocns.units.services import load_official_units, new_unit, village_code

DEMO_PROVINCE_CODE = "15"  # Lào Cai
DEMO_PASSWORD = "tocns-demo"
DEMO_COMMUNE_HINT = "muong khuong"

_FIRST = [
    "Na",
    "Nậm",
    "Pả",
    "Lũng",
    "Khe",
    "Sín",
    "Phìn",
    "Cốc",
    "Bản",
    "Làng",
    "Séo",
    "Ta",
    "Tả",
    "Mường",
    "Hồng",
]
_SECOND = [
    "Lang",
    "Chải",
    "Pồ",
    "Hạ",
    "Thượng",
    "Mồ",
    "Xuân",
    "Đồng",
    "Vàng",
    "Sen",
    "Lếch",
    "Cang",
    "Ngài",
    "Tiến",
]
_PREFIX = ["Thôn", "Bản", "Thôn", "Bản", "Tổ dân phố"]


def demo_users() -> list[tuple[str, str, str, str]]:
    """(username, phone, role label, where) for printing the logins."""
    rows = []
    for user in (
        User.objects.filter(username__startswith="demo.")
        .order_by("id")
        .prefetch_related("role_assignments__unit")
    ):
        for ra in user.role_assignments.all():
            rows.append(
                (
                    user.username,
                    user.phone or "",
                    ra.get_role_display(),
                    ra.unit.name if ra.unit else "Toàn quốc",
                )
            )
    return rows


@transaction.atomic
def seed_demo(*, villages_per_commune: tuple[int, int] = (8, 14), seed: int = 2026) -> dict:
    if not Unit.objects.filter(code=DEMO_PROVINCE_CODE).exists():
        load_official_units()
    rng = random.Random(seed)
    province = Unit.objects.get(code=DEMO_PROVINCE_CODE)
    communes = list(province.children.filter(kind=UnitKind.COMMUNE).order_by("code"))
    existing = set(Unit.objects.filter(parent__in=communes).values_list("parent_id", flat=True))
    villages = []
    for commune in communes:
        if commune.pk in existing:
            continue
        names: set[str] = set()
        for number in range(1, rng.randint(*villages_per_commune) + 1):
            name = f"{rng.choice(_PREFIX)} {rng.choice(_FIRST)} {rng.choice(_SECOND)}"
            while name in names:
                name = f"{name} {number}"
            names.add(name)
            villages.append(
                new_unit(
                    code=village_code(commune, number),
                    name=f"{name} (mô phỏng)",
                    kind=UnitKind.VILLAGE,
                    parent=commune,
                    division_type=name.split(" ")[0].lower() if not name.startswith("Tổ") else "tổ dân phố",
                    households=rng.randint(40, 260),
                    is_synthetic=True,
                )
            )
    Unit.objects.bulk_create(villages, batch_size=1000)

    commune = next((c for c in communes if DEMO_COMMUNE_HINT in c.search_name), communes[0])
    village = commune.children.filter(kind=UnitKind.VILLAGE).order_by("code").first()
    people = [
        ("demo.admin", "0900000001", "Quản trị hệ thống (mô phỏng)", Role.ADMIN, None),
        ("demo.tinh", "0900000002", "Cán bộ Sở KH&CN (mô phỏng)", Role.PROVINCE_OFFICER, province),
        ("demo.xa", "0900000003", "Cán bộ xã (mô phỏng)", Role.COMMUNE_OFFICER, commune),
        ("demo.totruong", "0900000004", "Tổ trưởng (mô phỏng)", Role.TEAM_LEADER, village),
        ("demo.thanhvien", "0900000005", "Thành viên tổ (mô phỏng)", Role.TEAM_MEMBER, village),
    ]
    for username, phone, full_name, role, unit in people:
        user = User.objects.filter(username=username).first() or account_services.create_user(
            actor=None, username=username, password=DEMO_PASSWORD, full_name=full_name, phone=phone
        )
        account_services.grant_role(actor=None, user=user, role=role, unit=unit)
    return {"villages": len(villages), "commune": commune.name, "village": village.name if village else ""}
