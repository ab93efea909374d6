"""The two-step Excel import every officer page uses: upload -> (the officer points at columns the import did
not recognise) -> preview with row errors (nothing written) -> confirm or cancel. The uploaded file waits in
storage between the steps and is checked again on confirm, since the tree or the user's rights may have
changed meanwhile. It is deleted on confirm, on cancel, when the same user uploads another file, and at the
latest after TOCNS_IMPORT_UPLOAD_MAX_AGE_HOURS (purge_uploads(): `manage.py purge_uploads`, and each new
upload). When rows were left out, the upload stays (with a list of the rows and reasons) until the same
limits, so that the rejected rows can be downloaded, built from it only when asked for.

The session holds names of files in storage; they are checked against the names this module makes before
any is read or deleted."""

import datetime
import json
import logging
import re
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

from .excel import SHOWN_ERRORS, ImportFileError, MissingColumns, RowError
from .excel_headers import MAX_KEY, column_index
from .excel_table import FileInfo
from .excel_write import XLSX, rejected_rows
from .models import ColumnChoice

UPLOAD_DIR = "imports"
# What this module names its files (storage may add "_abc1234" to a name already taken).
_OWN_FILE = re.compile(r"imports/[0-9a-f]{32}(?:_[A-Za-z0-9]{7})?(?:\.xlsx|-loi\.json)")
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


def _own(name) -> str | None:
    """The name when it is one of this module's files; None for anything else a session might hold."""
    return name if isinstance(name, str) and _OWN_FILE.fullmatch(name) else None


def _discard(*names) -> None:
    for name in names:
        if _own(name):
            default_storage.delete(name)


def _strings(value, size: int) -> list[list[str]] | None:
    """A session list of `size`-string lists, as it was stored; None when it is anything else."""
    if not isinstance(value, list):
        return None
    if all(
        isinstance(item, list | tuple) and len(item) == size and all(isinstance(v, str) for v in item)
        for item in value
    ):
        return [list(item) for item in value]
    return None


def _pending(request, session_key: str) -> dict:
    """This user's upload waiting between the steps: {"file", "columns", "missing", "headers",
    "create_villages"}, each part kept only when it has the shape this module stores."""
    stored = request.session.get(session_key)
    if not isinstance(stored, dict) or not _own(stored.get("file")):
        return {}
    pending = {"file": stored["file"]}
    columns = stored.get("columns")
    if isinstance(columns, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        pending["columns"] = columns
    for part in ("missing", "headers", "keys"):
        if (value := _strings(stored.get(part), 2)) is not None:
            pending[part] = value
    if stored.get("create_villages") is True:
        pending["create_villages"] = True
    return pending


def _rejected(request, session_key: str) -> tuple[str, str] | None:
    """(the upload, the list of its rejected rows) this user's last import left out, if any."""
    stored = request.session.get(f"{session_key}_rejected")
    if isinstance(stored, list | tuple) and len(stored) == 2 and _own(stored[0]) and _own(stored[1]):
        return stored[0], stored[1]
    return None


def _drop_rejected(request, session_key: str, *, keep: str | None = None) -> None:
    """Forget (and delete) the rejected rows of the last import; `keep`: an upload still in use."""
    found = _rejected(request, session_key)
    request.session.pop(f"{session_key}_rejected", None)
    if found:
        upload, reasons = found
        _discard(reasons, *([upload] if upload != keep else []))


def _keep_rejected(request, session_key: str, upload: str, result) -> None:
    """Remember which rows of `upload` were left out and why (a small JSON file beside it); the workbook is
    built only if downloaded."""
    reasons = {
        "info": {
            "sheet_name": result.file.sheet_name,
            "header_row": result.file.header_row,
            "header_rows": result.file.header_rows,
        },
        "errors": [[e.row, e.message] for e in result.errors],
    }
    name = default_storage.save(
        f"{UPLOAD_DIR}/{secrets.token_hex(16)}-loi.json", ContentFile(json.dumps(reasons).encode())
    )
    request.session[f"{session_key}_rejected"] = [upload, name]


def remembered(user, kind: str) -> dict[str, tuple[str, ...]]:
    """The header spellings this officer taught an import, by column key (excel_headers: extra)."""
    spellings: dict[str, list[str]] = {}
    for header, column in ColumnChoice.objects.filter(user=user, kind=kind).values_list("header", "column"):
        spellings.setdefault(column, []).append(header)
    return {column: tuple(headers) for column, headers in spellings.items()}


def _remember(user, kind: str, columns: dict[str, str], keys: dict[str, str]) -> None:
    """keys: column letter -> header_key() of that column's header in the file."""
    for key, letter in columns.items():
        header = keys.get(letter, "")[:MAX_KEY]
        if header:
            ColumnChoice.objects.update_or_create(
                user=user, kind=kind, header=header, defaults={"column": key}
            )


def _chosen_columns(request, pending: dict) -> dict[str, str] | None:
    """The letters the officer picked for the missing columns, among the file's; None when one column was
    picked for two things (one cell cannot be both the village and the person)."""
    letters = {letter for letter, _header in pending.get("headers", [])}
    chosen = {}
    for key, _label in pending.get("missing", []):
        letter = (request.POST.get(f"col_{key}") or "").strip().upper()[:3]
        if column_index(letter) is not None and letter in letters:
            chosen[key] = letter
    taken = [*chosen.values(), *(v for k, v in pending.get("columns", {}).items() if k not in chosen)]
    if len(set(taken)) != len(taken):
        return None
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
    scope,
    creates_villages: bool = False,
    extra: dict | None = None,
):
    """The upload, the column-choice step when a required column is not recognised, and the preview.

    A POST with a file starts over; a POST with "choose" says which columns the missing ones are; a POST with
    "create_villages" asks for the villages the rows name to be created with them (roster imports only).
    The file waits in storage through these steps, and until confirm or cancel. `scope(user)` gives the unit
    paths the user may import into (the app's rule: core knows no roles)."""
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
        if request.GET.get("xong") and _rejected(request, session_key):
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
        _drop_rejected(request, session_key)
        _discard(pending.get("file"))  # this user's previous, unconfirmed upload
        data = form.cleaned_data["file"].read()
        name = default_storage.save(f"{UPLOAD_DIR}/{secrets.token_hex(16)}.xlsx", ContentFile(data))
        pending = {"file": name}
    elif pending and default_storage.exists(pending["file"]):
        with default_storage.open(pending["file"], "rb") as handle:
            data = handle.read()
        if step == "choose":
            chosen = _chosen_columns(request, pending)
            if chosen is None:
                messages.error(request, _("Mỗi cột của tệp chỉ dùng được cho một mục. Hãy chọn lại."))
            else:
                pending["columns"] = {**pending.get("columns", {}), **chosen}
        else:
            pending["create_villages"] = True
    else:
        request.session.pop(session_key, None)
        messages.error(request, _("Phiên nhập đã hết hạn. Vui lòng tải tệp lên lại."))
        return redirect(request.path)
    try:
        result = reader(data, allowed_paths=scope(request.user), **_options(request, pending, kind))
    except MissingColumns as exc:
        pending.update(
            missing=[list(m) for m in exc.missing],
            headers=[list(h) for h in exc.headers],
            keys=[list(k) for k in exc.keys],
        )
        request.session[session_key] = pending
        context.update(choose=exc, choices=_choice_rows(exc, pending.get("columns", {})))
        return render(request, template, context)
    except ImportFileError as exc:
        _discard(pending.get("file"))
        request.session.pop(session_key, None)
        form.add_error("file" if step == "upload" else None, str(exc))
        return render(request, template, context)
    if pending.get("columns"):
        _remember(request.user, kind, pending["columns"], dict(pending.get("keys", [])))
    missing_villages = getattr(result, "villages_to_create", None) and not pending.get("create_villages")
    _drop_rejected(request, session_key, keep=pending["file"])
    if (result.good_rows and not result.nothing_to_write) or missing_villages:
        request.session[session_key] = pending
        if result.errors:
            _keep_rejected(request, session_key, pending["file"], result)
    elif result.errors:  # nothing to confirm: the file stays only for its rejected rows
        request.session.pop(session_key, None)
        _keep_rejected(request, session_key, pending["file"], result)
    else:  # nothing to confirm and nothing to fix: the file is not kept
        _discard(pending["file"])
        request.session.pop(session_key, None)
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


def rejected_download(request, *, session_key: str, filename: str):
    """The rows an import left out (or would leave out), as the file had them plus the reason: to fix and
    upload again. Only the user's own, from their session; built from the upload under the read limits."""
    found = _rejected(request, session_key)
    if not found or not all(default_storage.exists(name) for name in found):
        raise Http404
    upload, reasons = found
    with default_storage.open(reasons, "rb") as handle:
        saved = json.loads(handle.read())
    with default_storage.open(upload, "rb") as handle:
        data = handle.read()
    info = FileInfo(**saved["info"])
    errors = [RowError(row, message) for row, message in saved["errors"]]
    try:
        workbook = rejected_rows(data, info, errors)
    except ImportFileError as exc:  # a read limit lowered since the preview
        messages.error(request, str(exc))
        return redirect(request.path.rsplit("/", 1)[0] + "/")
    response = HttpResponse(workbook, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def confirm(request, *, importer, session_key: str, back: str, done_message: str, kind: str, scope):
    pending = _pending(request, session_key)
    request.session.pop(session_key, None)
    name = pending.get("file")
    if request.POST.get("cancel"):
        _drop_rejected(request, session_key)
        _discard(name)
        messages.info(request, _("Đã hủy lần nhập. Tệp đã tải lên đã được xóa."))
        return redirect(back)
    if not name or not default_storage.exists(name):
        messages.error(request, _("Phiên nhập đã hết hạn. Vui lòng tải tệp lên lại."))
        return redirect(back)
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    _drop_rejected(request, session_key, keep=name)
    try:
        result = importer(
            data,
            actor=request.user,
            allowed_paths=scope(request.user),
            skip_bad_rows=request.POST.get("skip_bad_rows") == "1",
            **_options(request, pending, kind),
        )
    except ImportFileError as exc:  # a limit lowered meanwhile, or another import of the commune running
        _discard(name)
        messages.error(request, str(exc))
        return redirect(back)
    if result.written and result.errors:
        # The rows left out, to fix and upload again: this run's, from the upload kept for them.
        _keep_rejected(request, session_key, name, result)
        messages.success(request, done_message % _counts(result))
        return redirect(f"{reverse(back)}?xong=1")
    _discard(name)
    if result.written:
        messages.success(request, done_message % _counts(result))
    else:
        messages.error(request, _("Không ghi gì vì tệp có dòng lỗi."))
    return redirect(back)


def _counts(result) -> dict:
    return {"created": len(result.to_create), "updated": len(result.to_update), "skipped": len(result.errors)}
