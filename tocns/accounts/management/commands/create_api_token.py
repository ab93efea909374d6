from django.core.management.base import BaseCommand, CommandError

from tocns.accounts.api_tokens import issue_token
from tocns.accounts.selectors import find_user


class Command(BaseCommand):
    help = "Tạo khóa API cho một tài khoản (in ra một lần duy nhất)."

    def add_arguments(self, parser):
        parser.add_argument("user", help="tên đăng nhập hoặc số điện thoại")
        parser.add_argument("--name", default="API", help="tên gợi nhớ của khóa")

    def handle(self, *args, user, name, **options):
        account = find_user(user)
        if account is None:
            raise CommandError(f"Không có tài khoản “{user}”.")
        token, key = issue_token(user=account, name=name)
        self.stdout.write(f"Khóa API “{token.name}” cho {account.get_username()}:")
        self.stdout.write(key)
        self.stdout.write("Hãy lưu lại ngay: khóa không hiển thị lại.")
