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
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.accounts import selectors as access

from .excel import SHOWN_ERRORS, ImportFileError

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


def upload_and_preview(request, *, form, reader, session_key: str, template: str, extra: dict | None = None):
    context = {"form": form, **(extra or {})}
    if request.method == "POST" and form.is_valid():
        try:
            purge_uploads()  # opportunistic: a site nobody runs the daily purge on still empties itself
        except OSError:
            logger.exception("Could not purge old import uploads")
        _discard(request.session.pop(session_key, None))  # this user's previous, unconfirmed upload
        data = form.cleaned_data["file"].read()
        try:
            result = reader(data, allowed_paths=access.officer_paths(request.user))
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            if result.good_rows:  # nothing to confirm otherwise: the file is not kept
                name = default_storage.save(f"{UPLOAD_DIR}/{secrets.token_hex(16)}.xlsx", ContentFile(data))
                request.session[session_key] = name
            context.update(
                result=result,
                preview_rows=result.to_create[:200],
                error_rows=result.errors[:SHOWN_ERRORS],
                more_errors=max(0, len(result.errors) - SHOWN_ERRORS),
            )
    return render(request, template, context)


def confirm(request, *, importer, session_key: str, back: str, done_message: str):
    name = request.session.pop(session_key, None)
    if request.POST.get("cancel"):
        _discard(name)
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
    else:
        messages.error(request, _("Không ghi gì vì tệp có dòng lỗi."))
    return redirect(back)
