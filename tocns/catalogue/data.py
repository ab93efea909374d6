"""The digital services a fresh install starts with. Codes are stable: the API, the Excel reports and the
plans refer to services by code; province officers edit names and retire services later.

Plain data and one function that takes the model class, so the data migration (with its historical model)
and `bootstrap` (with the real one) fill the catalogue the same way."""

# The ministry's content (catalogue.models.Content) each starting service is reported under.
CONTENT_OF = {
    "vneid": "public_services",
    "public_services": "public_services",
    "vssid": "public_services",
    "health_book": "public_services",
    "digital_signature": "public_services",
    "cashless": "payment",
    "ecommerce": "shopping",
    "online_safety": "safety",
    "social_groups": "other",
    "other": "other",
}

SERVICES = [
    ("vneid", "Định danh điện tử mức độ 2 (VNeID)", "VNeID", "đã kích hoạt"),
    ("public_services", "Dịch vụ công trực tuyến", "Dịch vụ công", "đã nộp hồ sơ"),
    ("vssid", "Bảo hiểm xã hội số (VssID)", "VssID", "đã cài đặt"),
    ("health_book", "Sổ sức khỏe điện tử", "Sổ sức khỏe", "đã kích hoạt"),
    (
        "cashless",
        "Thanh toán trực tuyến (tài khoản, mã QR, Mobile Money)",
        "Thanh toán trực tuyến",
        "đã mở tài khoản",
    ),
    ("ecommerce", "Thương mại điện tử", "Thương mại điện tử", "đã bán / mua hàng"),
    ("digital_signature", "Chữ ký số", "Chữ ký số", "đã đăng ký"),
    (
        "online_safety",
        "Tự bảo vệ mình trên môi trường mạng, phòng chống lừa đảo",
        "Chống lừa đảo",
        "đã nắm được",
    ),
    ("social_groups", "Nhóm Zalo / mạng xã hội", "Zalo / mạng xã hội", "đã tham gia"),
    ("other", "Khác", "Khác", "hoàn thành"),
]


def ensure_services(model) -> int:
    """Create the missing starting services; never touches one that exists (officers may have edited it)."""
    created = 0
    # An older migration's historical model has no content yet: set_contents fills it later.
    has_content = any(field.name == "content" for field in model._meta.get_fields())
    for order, (code, name, short_name, completed_label) in enumerate(SERVICES, start=1):
        _service, made = model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short_name,
                "completed_label": completed_label,
                "sort_order": order * 10,
                **({"content": CONTENT_OF.get(code, "other")} if has_content else {}),
            },
        )
        created += made
    return created


def set_contents(model) -> None:
    """Put the starting services under the ministry's contents (a service added by officers stays
    "other" until they choose)."""
    for code, content in CONTENT_OF.items():
        model.objects.filter(code=code).update(content=content)
