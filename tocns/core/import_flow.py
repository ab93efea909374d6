"""The two-step Excel import every officer page uses: upload -> preview with row errors (nothing written)
-> confirm or cancel. The uploaded file waits in storage between the steps and is checked again on confirm,
since the tree or the user's rights may have changed meanwhile. It is deleted on confirm, on cancel, when
the same user uploads another file, and at the latest after TOCNS_IMPORT_UPLOAD_MAX_AGE_HOURS
(purge_uploads(): `manage.py purge_uploads`, and each new upload)."""

import datetime
import logging
import secrets

from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts import selectors as access

from .excel import SHOWN_ERRORS, XLSX, ImportFileError, MissingColumns, rejected_rows
from .excel_headers import column_index, header_key
from .models import ColumnChoice

UPLOAD_DIR = "imports"
logger = logging.getLogger(__name__)


def purge_uploads(*, max_age: datetime.timedelta | None = None, now: datetime.datetime | None = None) -> int:
    """Delete the uploads older than max_age (default: the setting) that were never confirmed or
    cancelled. Returns how many were deleted."""
    if max_age is None:
        max_age = datetime.timedelta(hours=settings.IMPORT_UPLOAD_MAX_AGE_HOURS)
    cutoff = (now or timezone.now()) - max_age
    try:
        _dirs, files = default_storage.listdir(UPLOAD_DIR)
    except FileNotFoundError:
        return 0
    deleted = 0
    for filename in files:
        name = f"{UPLOAD_DIR}/{filename}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                deleted += 1
        except FileNotFoundError:  # deleted meanwhile by its own confirm or another purge
            continue
    return deleted


def _discard(name: str | None) -> None:
    if name and name.startswith(f"{UPLOAD_DIR}/"):
        default_storage.delete(name)


def _pending(request, session_key: str) -> dict:
    """This user's upload waiting between the steps: {"file", "columns", "headers", "create_villages"}."""
    pending = request.session.get(session_key)
    return pending if isinstance(pending, dict) else {}


def remembered(user, kind: str) -> dict[str, tuple[str, ...]]:
    """The header spellings this officer taught an import, by column key (excel_headers: extra)."""
    spellings: dict[str, list[str]] = {}
    for header, column in ColumnChoice.objects.filter(user=user, kind=kind).values_list("header", "column"):
        spellings.setdefault(column, []).append(header)
    return {column: tuple(headers) for column, headers in spellings.items()}


def _remember(user, kind: str, columns: dict[str, str], headers: dict[str, str]) -> None:
    for key, letter in columns.items():
        header = header_key(headers.get(letter, ""))
        if header:
            ColumnChoice.objects.update_or_create(
                user=user, kind=kind, header=header[:200], defaults={"column": key}
            )


def _chosen_columns(request, missing: list) -> dict[str, str]:
    """The letters the officer picked in the column-choice step, for the columns that were missing."""
    chosen = {}
    for key, _label in missing:
        letter = (request.POST.get(f"col_{key}") or "").strip().upper()
        if column_index(letter) is not None:
            chosen[key] = letter
    return chosen


def upload_and_preview(
    request,
    *,
    form_class,
    reader,
    session_key: str,
    template: str,
    kind: str,
    rejected_url: str,
    creates_villages: bool = False,
    extra: dict | None = None,
):
    """The upload, the column-choice step when a required column is not recognised, and the preview.

    A POST with a file starts over; a POST with "choose" says which columns the missing ones are; a POST with
    "create_villages" asks for the villages the rows name to be created with them (roster imports only).
    The file waits in storage through these steps, and until confirm or cancel."""
    step = "upload"
    if request.method == "POST" and request.POST.get("choose"):
        step = "choose"
    elif request.method == "POST" and request.POST.get("create_villages") and creates_villages:
        step = "create_villages"
    form = (
        form_class(request.POST, request.FILES)
        if request.method == "POST" and step == "upload"
        else form_class()
    )
    context = {"form": form, "rejected_url": rejected_url, **(extra or {})}
    if request.method != "POST":
        if request.GET.get("xong") and request.session.get(f"{session_key}_rejected"):
            context["skipped_rows"] = True
        return render(request, template, context)
    pending = _pending(request, session_key)
    if step == "upload":
        if not form.is_valid():
            return render(request, template, context)
        try:
            purge_uploads()  # opportunistic: a site nobody runs the daily purge on still empties itself
        except OSError:
            logger.exception("Could not purge old import uploads")
        _discard(pending.get("file"))  # this user's previous, unconfirmed upload
        _discard(request.session.pop(f"{session_key}_rejected", None))
        data = form.cleaned_data["file"].read()
        name = default_storage.save(f"{UPLOAD_DIR}/{secrets.token_hex(16)}.xlsx", ContentFile(data))
        pending = {"file": name}
    elif pending.get("file") and default_storage.exists(pending["file"]):
        with default_storage.open(pending["file"], "rb") as handle:
            data = handle.read()
        if step == "choose":
            chosen = _chosen_columns(request, pending.get("missing", []))
            pending["columns"] = {**pending.get("columns", {}), **chosen}
        else:
            pending["create_villages"] = True
    else:
        request.session.pop(session_key, None)
        messages.error(request, _("Phiên nhập đã hết hạn. Vui lòng tải tệp lên lại."))
        return redirect(request.path)
    options = _options(request, pending, kind)
    try:
        result = reader(data, allowed_paths=access.officer_paths(request.user), **options)
    except MissingColumns as exc:
        pending.update(missing=exc.missing, headers=exc.headers)
        request.session[session_key] = pending
        context.update(choose=exc, choices=_choice_rows(exc, pending.get("columns", {})))
        return render(request, template, context)
    except ImportFileError as exc:
        _discard(pending.get("file"))
        request.session.pop(session_key, None)
        form.add_error("file" if step == "upload" else None, str(exc))
        return render(request, template, context)
    if pending.get("columns"):
        _remember(request.user, kind, pending["columns"], dict(pending.get("headers", [])))
    missing_villages = getattr(result, "villages_to_create", None) and not pending.get("create_villages")
    if (result.good_rows and not result.nothing_to_write) or missing_villages:
        request.session[session_key] = pending
    else:  # nothing to confirm: the file is not kept
        _discard(pending.get("file"))
        request.session.pop(session_key, None)
    _discard(request.session.pop(f"{session_key}_rejected", None))
    if result.errors:
        request.session[f"{session_key}_rejected"] = _save_rejected(data, result)
    context.update(
        result=result,
        preview_rows=result.to_create[:200],
        error_rows=result.errors[:SHOWN_ERRORS],
        more_errors=max(0, len(result.errors) - SHOWN_ERRORS),
        warning_rows=result.warnings[:SHOWN_ERRORS],
        can_create_villages=creates_villages and not pending.get("create_villages"),
    )
    return render(request, template, context)


def _options(request, pending: dict, kind: str) -> dict:
    options = {"columns": pending.get("columns") or None, "extra": remembered(request.user, kind)}
    if pending.get("create_villages"):
        options["create_villages"] = True
    return options


def _choice_rows(exc: MissingColumns, chosen: dict) -> list[dict]:
    return [{"key": key, "label": label, "chosen": chosen.get(key, "")} for key, label in exc.missing]


def _save_rejected(data: bytes, result) -> str:
    rejected = rejected_rows(data, result.file, result.errors)
    return default_storage.save(f"{UPLOAD_DIR}/{secrets.token_hex(16)}-dong-loi.xlsx", ContentFile(rejected))


def rejected_download(request, *, session_key: str, filename: str):
    """The rows an import left out (or would leave out), as the file had them plus the reason: to fix and
    upload again. Only the user's own, from their session."""
    name = request.session.get(f"{session_key}_rejected")
    if not name or not name.startswith(f"{UPLOAD_DIR}/") or not default_storage.exists(name):
        raise Http404
    with default_storage.open(name, "rb") as handle:
        response = HttpResponse(handle.read(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def confirm(request, *, importer, session_key: str, back: str, done_message: str, kind: str):
    pending = _pending(request, session_key)
    request.session.pop(session_key, None)
    name = pending.get("file")
    if request.POST.get("cancel"):
        _discard(name)
        _discard(request.session.pop(f"{session_key}_rejected", None))
        messages.info(request, _("Đã hủy lần nhập. Tệp đã tải lên đã được xóa."))
        return redirect(back)
    if not name or not default_storage.exists(name):
        messages.error(request, _("Phiên nhập đã hết hạn. Vui lòng tải tệp lên lại."))
        return redirect(back)
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    finally:
        _discard(name)
    try:
        result = importer(
            data,
            actor=request.user,
            allowed_paths=access.officer_paths(request.user),
            skip_bad_rows=request.POST.get("skip_bad_rows") == "1",
            **_options(request, pending, kind),
        )
    except ImportFileError as exc:  # a limit lowered meanwhile, or another import of the commune running
        messages.error(request, str(exc))
        return redirect(back)
    if result.written:
        counts = {
            "created": len(result.to_create),
            "updated": len(result.to_update),
            "skipped": len(result.errors),
        }
        messages.success(request, done_message % counts)
        if result.errors:
            # The rows left out, to fix and upload again: made from this run's errors.
            _discard(request.session.pop(f"{session_key}_rejected", None))
            request.session[f"{session_key}_rejected"] = _save_rejected(data, result)
            return redirect(f"{reverse(back)}?xong=1")
    else:
        messages.error(request, _("Không ghi gì vì tệp có dòng lỗi."))
    _discard(request.session.pop(f"{session_key}_rejected", None))
    return redirect(back)
