"""One-time sign-in codes: how a person who has never had a password gets one of their own.

An officer (or the team leader) issues a code; the person opens its link on their own phone (the QR on the
printed slip, or the Zalo message) or types their phone and the 8-character code at /kich-hoat/, sets a
password, and is signed in. Only HMACs of the code and of the link's token are stored. A code is single use,
expires after CODE_DAYS days, and is locked after CODE_MAX_FAILURES wrong tries; issuing a new one revokes
the earlier ones. Wrong tries from one address are limited too (lockout.address_*)."""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tocns.audit import services as audit

from .models import SignInCode, User
from .phones import normalize_phone

# No look-alikes: no 0/O/D/Q, 1/I/L/J, 2/Z, 5/S, 8/B, U/V, G. 19 symbols, 8 of them: 1.7e10 codes, with
# five tries a code and a limit per address.
ALPHABET = "ACEFHKMNPRTWXY34679"
CODE_LENGTH = 8
CODE_DAYS = 14
CODE_MAX_FAILURES = 5


class CodeError(Exception):
    """Why a code cannot be used, in words for the person holding it."""

    def __init__(self, reason: str, message):
        super().__init__(str(message))
        self.reason = reason
        self.message = message


UNKNOWN = CodeError("unknown", _("Mã không đúng hoặc không tồn tại. Hãy kiểm tra lại số điện thoại và mã."))
EXPIRED = CodeError("expired", _("Mã đã hết hạn. Hãy nhờ tổ trưởng hoặc cán bộ xã cấp mã mới."))
USED = CodeError(
    "used",
    _("Mã này đã được dùng. Nếu bạn đã đặt mật khẩu, hãy đăng nhập; nếu không, hãy nhờ cấp mã mới."),
)
REVOKED = CodeError("revoked", _("Mã này không còn hiệu lực (đã có mã mới hoặc nhập sai quá nhiều lần)."))
DISABLED = CodeError(
    "disabled", _("Tài khoản này đã bị vô hiệu hóa. Hãy liên hệ cán bộ phụ trách chuyển đổi số của xã.")
)


@dataclass
class Issued:
    """A code as shown once: to print, to send on Zalo."""

    user: User
    code: str  # as printed: ABCD-EFGH
    token: str  # the link's part: /kich-hoat/<token>
    expires_at: datetime.datetime


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def clean_code(value: str) -> str:
    """What was typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def pretty(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def open_codes(user_ids=None):
    """Codes neither used, revoked nor expired."""
    codes = SignInCode.objects.filter(
        used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    return codes if user_ids is None else codes.filter(user_id__in=user_ids)


@transaction.atomic
def issue_many(*, actor, users: list[User], unit_path: str = "") -> list[Issued]:
    """A fresh code for each user; their earlier open codes stop working. One audit entry per person."""
    now = timezone.now()
    expires = now + datetime.timedelta(days=CODE_DAYS)
    ids = [u.pk for u in users]
    SignInCode.objects.filter(user_id__in=ids, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    issued, rows = [], []
    for user in users:
        code, token = _new_code(), secrets.token_urlsafe(24)
        rows.append(
            SignInCode(
                user=user,
                code_hash=_digest(code),
                token_hash=_digest(token),
                expires_at=expires,
                issued_by=actor if actor is not None and actor.is_authenticated else None,
            )
        )
        issued.append(Issued(user, pretty(code), token, expires))
    SignInCode.objects.bulk_create(rows, batch_size=1000)
    audit.record_many(
        [audit.entry(actor=actor, action="issue_code", obj=user, unit_path=unit_path) for user in users]
    )
    return issued


def issue(*, actor, user: User, unit_path: str = "") -> Issued:
    return issue_many(actor=actor, users=[user], unit_path=unit_path)[0]


def _check(code: SignInCode | None) -> SignInCode:
    if code is None:
        raise UNKNOWN
    if not code.user.is_active:
        raise DISABLED
    if code.used_at is not None:
        raise USED
    if code.revoked_at is not None:
        raise REVOKED
    if code.expires_at <= timezone.now():
        raise EXPIRED
    return code


def by_token(token: str) -> SignInCode:
    """The usable code behind a link, or CodeError."""
    code = SignInCode.objects.select_related("user").filter(token_hash=_digest(token or "")).first()
    return _check(code)


def by_phone(phone: str, typed: str) -> SignInCode:
    """The usable code of the account with this phone that matches what was typed, or CodeError. A wrong
    code counts against that account's open code, which locks after CODE_MAX_FAILURES."""
    from .selectors import find_user

    user = find_user(normalize_phone(phone) or phone)
    if user is None:
        raise UNKNOWN
    digest = _digest(clean_code(typed))
    codes = list(SignInCode.objects.select_related("user").filter(user=user).order_by("-created_at")[:5])
    match = next((c for c in codes if hmac.compare_digest(c.code_hash, digest)), None)
    if match is not None:
        return _check(match)
    latest = next((c for c in codes if c.used_at is None and c.revoked_at is None), None)
    if latest is not None:
        _count_failure(latest)
    raise UNKNOWN


@transaction.atomic
def _count_failure(code: SignInCode) -> None:
    code = SignInCode.objects.select_for_update().get(pk=code.pk)
    code.failures += 1
    fields = ["failures"]
    if code.failures >= CODE_MAX_FAILURES and code.revoked_at is None:
        code.revoked_at = timezone.now()
        fields.append("revoked_at")
        audit.record(actor=None, action="code_locked", obj=code.user, unit_path="")
    code.save(update_fields=fields)


@transaction.atomic
def redeem(*, code: SignInCode, password: str) -> User:
    """Set the person's own password with a usable code; the code (and any other open one) is spent."""
    code = SignInCode.objects.select_for_update().select_related("user").get(pk=code.pk)
    _check(code)  # again, under the lock: two taps on the same link set one password
    now = timezone.now()
    user = code.user
    user.set_password(password)
    user.save(update_fields=["password"])
    code.used_at = now
    code.save(update_fields=["used_at"])
    SignInCode.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    audit.record(actor=user, action="activate", obj=user, unit_path="")
    return user


def revoke_all(user: User) -> None:
    SignInCode.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
