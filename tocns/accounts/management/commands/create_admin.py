from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from tocns.accounts import codes
from tocns.accounts.models import Role, RoleAssignment, User
from tocns.accounts.phones import normalize_phone
from tocns.accounts.services import create_user, enable, grant_role


class Command(BaseCommand):
    help = (
        "Tạo quản trị hệ thống đầu tiên (hoặc cấp mã mới cho quản trị đã có) và in mã kích hoạt dùng một "
        "lần. Không có mật khẩu nào được in hay lưu: người quản trị tự đặt mật khẩu bằng mã."
    )

    def add_arguments(self, parser):
        parser.add_argument("--phone", required=True, help="Số điện thoại, cũng là tên đăng nhập")
        parser.add_argument("--name", required=True, help="Họ và tên")
        parser.add_argument(
            "--site",
            default="http://127.0.0.1:8000",
            help="Địa chỉ trang web, để in đường dẫn kích hoạt đầy đủ (ví dụ https://tocns.laocai.gov.vn)",
        )

    @transaction.atomic
    def handle(self, *args, phone, name, site, **options):
        normalized = normalize_phone(phone)
        if not normalized:
            raise CommandError("Số điện thoại không hợp lệ (cần 10 chữ số, bắt đầu bằng 0).")
        name = " ".join(name.split())
        if not name or not name.isprintable():
            raise CommandError("Cần họ và tên (chữ in được, không có ký tự điều khiển).")
        if len(name) > User._meta.get_field("full_name").max_length:
            raise CommandError("Họ và tên quá dài (tối đa 150 ký tự).")
        user = (
            User.objects.filter(phone=normalized).first() or User.objects.filter(username=normalized).first()
        )
        if user is None:
            user = create_user(
                actor=None, username=normalized, password=None, full_name=name, phone=normalized
            )
            self.stdout.write(f"Đã tạo tài khoản quản trị hệ thống cho {name} ({normalized}).")
        else:
            self.stdout.write(
                f"Tài khoản {normalized} đã có: cấp mã kích hoạt mới (mã cũ không còn dùng được)."
            )
        if not user.is_active:
            enable(actor=None, user=user)
        if not RoleAssignment.objects.filter(user=user, role=Role.ADMIN, revoked_at__isnull=True).exists():
            grant_role(actor=None, user=user, role=Role.ADMIN, unit=None)
        issued = codes.issue(actor=None, user=user)
        link = site.rstrip("/") + reverse("accounts:activate_link", args=[issued.token])
        expires = issued.expires_at.astimezone().strftime("%d/%m/%Y")
        self.stdout.write("")
        self.stdout.write(f"  Mở trên điện thoại hoặc máy tính của người quản trị: {link}")
        self.stdout.write(
            f"  hoặc vào {site.rstrip('/')}{reverse('accounts:activate')}, nhập số {normalized} và mã {issued.code}"
        )
        self.stdout.write(
            f"  Mã dùng một lần, hết hạn ngày {expires}. Mã chỉ in ra lần này; CSDL chỉ giữ mã băm."
        )
