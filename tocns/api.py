"""The JSON API at /api/v1/: one NinjaAPI, with a router per app. The OpenAPI schema is generated
from the same schemas that validate requests, so the docs cannot drift from the code."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from tocns.accounts.api_tokens import user_for_key
from tocns.core.api_errors import error_body


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer tocns_…` — a key made with `manage.py create_api_token`."""

    def authenticate(self, request, token):
        user = user_for_key(token)
        if user is None:
            # A key was sent and is not valid (revoked, mistyped): say so, rather than trying the session
            # next, whose CSRF check then answered a phone's lost key with "CSRF check Failed" (403).
            raise AuthenticationError
        request.user = user  # the selectors take request.user, whichever way the caller signed in
        return user


api = NinjaAPI(
    title="tocns API",
    version="1",
    description=(
        "API của nền tảng Tổ công nghệ số cộng đồng. Xác thực bằng khóa API "
        "(`Authorization: Bearer …`) hoặc phiên đăng nhập (kèm `X-CSRFToken`). "
        'Lỗi dữ liệu trả về 4xx với `{"error": {"field": …, "message": …}}`.'
    ),
    auth=[ApiKeyAuth(), django_auth],
    urls_namespace="api",
)

# Messages for what pydantic rejects, in the words a person fixing the report understands.
_PYDANTIC_MESSAGES = {
    "missing": "Thiếu trường bắt buộc.",
    "greater_than_equal": "Số lượng không được âm.",
    "less_than_equal": "Giá trị quá lớn: tối đa %(le)s.",
    "too_long": "Danh sách dài quá mức cho phép.",
    "int_parsing": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "decimal_parsing": "Phải là số.",
    "date_parsing": "Ngày không hợp lệ (dạng YYYY-MM-DD).",
    "date_from_datetime_parsing": "Ngày không hợp lệ (dạng YYYY-MM-DD).",
    "date_type": "Ngày không hợp lệ (dạng YYYY-MM-DD).",
    "uuid_parsing": "Mã báo cáo phải là một UUID.",
    "uuid_type": "Mã báo cáo phải là một UUID.",
    "string_too_long": "Dài quá mức cho phép.",
    "enum": "Giá trị không nằm trong danh sách cho phép.",
    "json_invalid": "Nội dung không phải JSON hợp lệ.",
}


def _field_name(loc) -> str:
    # ninja reports ("body", "payload", "outcomes", 0, "guided"); callers know "outcomes[0].guided".
    parts = list(loc)
    if parts and parts[0] in {"body", "query", "path", "form", "file"}:
        parts = parts[1:]
        if len(parts) > 1 and parts[0] == "payload":
            parts = parts[1:]
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def _number(value) -> str:
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


def _message(error: dict) -> str:
    message = _(_PYDANTIC_MESSAGES.get(error.get("type"), "Giá trị không hợp lệ."))
    if "%(" in message:
        message %= {k: _number(v) for k, v in (error.get("ctx") or {}).items()}
    return message


@api.exception_handler(ValidationError)
def _validation_error(request, exc):
    errors = [
        {
            "field": _field_name(e.get("loc", ())),
            "message": _message(e),
            "detail": e.get("msg", ""),
        }
        for e in exc.errors
    ]
    first = errors[0] if errors else {"field": "body", "message": _("Dữ liệu không hợp lệ.")}
    return api.create_response(request, {"error": first, "errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(
        request, error_body("auth", _("Cần đăng nhập hoặc khóa API hợp lệ.")), status=401
    )


@api.exception_handler(HttpError)
def _http_error(request, exc):
    if exc.status_code == 400 and str(exc.message).startswith("Cannot parse request body"):
        # ninja's own words for a body that is not JSON (or not the form it expects).
        return api.create_response(
            request, error_body("body", _(_PYDANTIC_MESSAGES["json_invalid"])), status=400
        )
    return api.create_response(request, error_body("request", str(exc.message)), status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request, exc):
    # An access helper's 404 (a unit outside the caller's scope, or none) in the API's own shape.
    return api.create_response(request, error_body("request", _("Không tìm thấy.")), status=404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, error_body("request", _("Không có quyền.")), status=403)


@api.get("/ping", auth=None, tags=["hệ thống"], summary="Kiểm tra máy chủ (không cần đăng nhập)")
def ping(request):
    return {"ok": True}


api.add_router("/", "tocns.activities.api.router")
api.add_router("/", "tocns.handbook.api.router")
api.add_router("/", "tocns.reports.api.router")
