"""The two-step Excel import every officer page uses: upload -> preview with row errors (nothing written)
-> confirm. The uploaded file waits in storage between the steps and is checked again on confirm, since
the tree or the user's rights may have changed meanwhile."""

import secrets

from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tocns.accounts import selectors as access

from .excel import ImportFileError


def upload_and_preview(request, *, form, reader, session_key: str, template: str, extra: dict | None = None):
    context = {"form": form, **(extra or {})}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        try:
            result = reader(data, allowed_paths=access.officer_paths(request.user))
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            name = default_storage.save(f"imports/{secrets.token_hex(16)}.xlsx", ContentFile(data))
            request.session[session_key] = name
            context.update(result=result, preview_rows=result.to_create[:200], error_rows=result.errors[:500])
    return render(request, template, context)


def confirm(request, *, reader, applier, session_key: str, back: str, done_message: str):
    name = request.session.pop(session_key, None)
    if not name or not default_storage.exists(name):
        messages.error(request, _("Phiên nhập đã hết hạn. Vui lòng tải tệp lên lại."))
        return redirect(back)
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    default_storage.delete(name)
    result = reader(data, allowed_paths=access.officer_paths(request.user))
    applier(result, actor=request.user, skip_bad_rows=request.POST.get("skip_bad_rows") == "1")
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
