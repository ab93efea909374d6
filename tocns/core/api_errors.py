"""The shape of every refusal of the JSON API, shared by the API itself (tocns.api, at the top) and the apps'
routers (activities.api, handbook.api), which document the statuses they may answer with."""

from ninja import Schema


def error_body(field: str, message: str, **extra) -> dict:
    return {"error": {"field": field, "message": message, **extra}}


class ErrorDetail(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every refusal of the API: which field to fix (or "auth", "request", "id") and why, in Vietnamese;
    a validation error also lists every field in `errors`."""

    error: ErrorDetail
    errors: list[ErrorDetail] = []


# The answers every endpoint may give besides its own: the schema documents each status the API returns.
SIGNED_IN_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
BODY_ERRORS = {400: ErrorOut, **SIGNED_IN_ERRORS}  # 400: a body that cannot be read at all
PUBLIC_ERRORS = {422: ErrorOut}
