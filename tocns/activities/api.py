"""/api/v1/activities and /api/v1/services."""

import datetime
import re
import uuid
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from tocns.accounts import selectors as access
from tocns.catalogue.models import DigitalService
from tocns.core.api_errors import BODY_ERRORS, SIGNED_IN_ERRORS, ErrorOut, error_body

from . import photos, scope, selectors, services
from .models import Activity, ActivityKind

router = Router(tags=["hoạt động"])


def _iso_date(value):
    # pydantic also reads a number as a Unix time (?until=0 was 1970-01-01); the schema says "YYYY-MM-DD".
    if isinstance(value, datetime.date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_parsing", "Input should be a date as YYYY-MM-DD")


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]

# Counts are checked by services.file_report as well (the report form goes there too); stated here so the
# schema says what is accepted and a larger number is refused before anything else is read.
COUNT = {"ge": 0, "le": services.MAX_COUNT}
ID = {"ge": 1, "le": services.MAX_ID}
# A page further than this is refused (422): the database cannot skip 10^30 rows, and no list is that long.
MAX_OFFSET = 1_000_000


class OutcomeIn(Schema):
    service: str = Field(..., max_length=30, description="Mã dịch vụ số, ví dụ `vneid`", examples=["vneid"])
    guided: int = Field(0, **COUNT, description="Số người được hướng dẫn (tối đa 10.000)")
    completed: int = Field(
        0, **COUNT, description="Số người hoàn thành (không quá số được hướng dẫn; tối đa 10.000)"
    )


class ActivityEdit(Schema):
    team: int = Field(..., **ID, description="Mã số tổ")
    date: IsoDate = Field(..., description="Ngày hoạt động (YYYY-MM-DD), không sau hôm nay")
    kind: ActivityKind = ActivityKind.HOME_VISIT
    village: str | None = Field(None, max_length=50, description="Mã thôn; bỏ trống thì lấy thôn của tổ")
    participants: list[Annotated[int, Field(**ID)]] = Field(
        default_factory=list, max_length=services.MAX_PARTICIPANTS, description="Mã số thành viên tham gia"
    )
    people_reached: int = Field(
        0, **COUNT, description="Số người được hỗ trợ (tối đa 10.000); 0 thì lấy số lớn nhất ở các dịch vụ"
    )
    households_reached: int = Field(0, **COUNT, description="Số hộ (tối đa 10.000)")
    hours: Decimal = Field(Decimal(0), ge=0, le=24, decimal_places=1)
    note: str = Field("", max_length=500, description="Không có ký tự điều khiển (NUL…)")
    outcomes: list[OutcomeIn] = Field(default_factory=list, max_length=100)


class ActivityIn(ActivityEdit):
    id: uuid.UUID = Field(..., description="UUID do điện thoại tạo; gửi lại cùng id không tạo bản thứ hai")


class OutcomeOut(Schema):
    service: str
    service_name: str
    guided: int
    completed: int


class ActivityOut(Schema):
    id: uuid.UUID
    team: int
    team_name: str
    unit_path: str
    village: str | None
    village_name: str | None
    date: datetime.date
    kind: ActivityKind
    kind_label: str
    participants: list[int]
    people_reached: int
    households_reached: int
    hours: float
    note: str
    outcomes: list[OutcomeOut]
    photos: list[str]
    created_by: str | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    editable_until: datetime.datetime


class ActivityPage(Schema):
    count: int
    items: list[ActivityOut]


class ServiceOut(Schema):
    code: str
    name: str
    short_name: str
    completed_label: str
    retired_on: datetime.date | None


def activity_json(activity) -> dict:
    """The one JSON shape of a report; a repeated POST returns exactly this again."""
    return {
        "id": activity.pk,
        "team": activity.team_id,
        "team_name": activity.team.name,
        "unit_path": activity.unit_path,
        "village": activity.village.code if activity.village_id else None,
        "village_name": activity.village.name if activity.village_id else None,
        "date": activity.date,
        "kind": activity.kind,
        "kind_label": str(activity.get_kind_display()),
        "participants": sorted(m.pk for m in activity.participants.all()),
        "people_reached": activity.people_reached,
        "households_reached": activity.households_reached,
        "hours": float(activity.hours),
        "note": activity.note,
        "outcomes": [
            {
                "service": o.service.code,
                "service_name": o.service.short_name,
                "guided": o.guided,
                "completed": o.completed,
            }
            for o in activity.outcomes.all()
        ],
        "photos": [reverse("activities:photo", args=[activity.pk, p.pk]) for p in activity.photos.all()],
        "created_by": activity.created_by.get_username() if activity.created_by_id else None,
        "created_at": activity.created_at,
        "updated_at": activity.updated_at,
        "editable_until": activity.created_at + services.EDIT_WINDOW,
    }


def _input(payload) -> services.ReportInput:
    return services.ReportInput(
        team=payload.team,
        date=payload.date,
        kind=payload.kind.value if isinstance(payload.kind, ActivityKind) else payload.kind,
        village=payload.village or None,
        participants=list(payload.participants),
        people_reached=payload.people_reached,
        households_reached=payload.households_reached,
        hours=payload.hours,
        note=payload.note,
        outcomes=[services.OutcomeInput(o.service, o.guided, o.completed) for o in payload.outcomes],
    )


def _one(request, pk):
    activity, can_edit = scope.activity_for(request.user, pk)
    return selectors.with_details(type(activity).objects.filter(pk=activity.pk)).get(), can_edit


@router.post(
    "/activities",
    response={200: ActivityOut, 201: ActivityOut, 409: ErrorOut, **BODY_ERRORS},
    summary="Gửi một báo cáo hoạt động (gửi lại cùng id trả về 200 và bản đã lưu)",
)
def create_activity(request, payload: ActivityIn):
    try:
        activity, created = services.file_report(
            actor=request.user, report_id=payload.id, data=_input(payload)
        )
    except services.ReportError as error:
        return Status(409 if error.field == "id" else 422, error_body(error.field, error.message))
    # file_report has checked the scope already; load the report once with what the answer shows.
    activity = selectors.with_details(Activity.objects.filter(pk=activity.pk)).get()
    return Status(201 if created else 200, activity_json(activity))


@router.get(
    "/activities",
    response={200: ActivityPage, **SIGNED_IN_ERRORS},
    summary="Các báo cáo trong phạm vi của người gọi",
)
def list_activities(
    request,
    team: int | None = Query(None, **ID),
    unit: str | None = Query(None, max_length=50, description="mã đơn vị; ngoài phạm vi thì 404"),
    since: IsoDate | None = None,
    until: IsoDate | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    activities = scope.activities_for(request.user)
    if unit:
        area, _can_edit = access.unit_for(request.user, unit)
        activities = activities.filter(unit_path__startswith=area.path)
    if team is not None:
        activities = activities.filter(team_id=team)
    if since:
        activities = activities.filter(date__gte=since)
    if until:
        activities = activities.filter(date__lte=until)
    count = activities.count()
    page = selectors.with_details(activities).order_by("-date", "-created_at", "pk")[offset : offset + limit]
    return {"count": count, "items": [activity_json(a) for a in page]}


@router.get(
    "/activities/{activity_id}", response={200: ActivityOut, **SIGNED_IN_ERRORS}, summary="Một báo cáo"
)
def get_activity(request, activity_id: uuid.UUID):
    try:
        activity, _can_edit = _one(request, activity_id)
    except Http404:
        return Status(404, error_body("id", _("Không tìm thấy báo cáo.")))
    return Status(200, activity_json(activity))


@router.put(
    "/activities/{activity_id}",
    response={200: ActivityOut, 403: ErrorOut, **BODY_ERRORS},
    summary="Người gửi sửa báo cáo trong vòng 7 ngày (có ghi nhật ký)",
)
def edit_activity(request, activity_id: uuid.UUID, payload: ActivityEdit):
    try:
        activity, can_edit = _one(request, activity_id)
    except Http404:
        return Status(404, error_body("id", _("Không tìm thấy báo cáo.")))
    if not can_edit:
        return Status(403, error_body("id", _("Chỉ người gửi được sửa báo cáo, trong vòng 7 ngày.")))
    try:
        services.edit_report(actor=request.user, activity=activity, data=_input(payload))
    except services.ReportError as error:
        return Status(422, error_body(error.field, error.message))
    activity, _can_edit = _one(request, activity_id)
    return Status(200, activity_json(activity))


@router.post(
    "/activities/{activity_id}/photos",
    response={201: ActivityOut, 403: ErrorOut, **BODY_ERRORS},
    summary="Thêm ảnh (JPEG/PNG/WebP; ảnh được nén lại và xóa thông tin vị trí)",
)
def add_photo(request, activity_id: uuid.UUID, image: File[UploadedFile]):
    try:
        activity, can_edit = _one(request, activity_id)
    except Http404:
        return Status(404, error_body("id", _("Không tìm thấy báo cáo.")))
    if not can_edit:
        return Status(403, error_body("id", _("Chỉ người gửi được thêm ảnh, trong vòng 7 ngày.")))
    try:
        photos.add_photo(actor=request.user, activity=activity, upload=image)
    except photos.PhotoError as error:
        return Status(422, error_body("image", str(error)))
    activity, _can_edit = _one(request, activity_id)
    return Status(201, activity_json(activity))


@router.get(
    "/services",
    response={200: list[ServiceOut], **SIGNED_IN_ERRORS},
    tags=["danh mục"],
    summary="Danh mục dịch vụ số",
)
def list_services(request, include_retired: bool = False):
    services_ = DigitalService.objects.all()
    if not include_retired:
        services_ = services_.in_use()
    return list(services_)
