"""Control characters stripped at the edge. A NUL in a query string or a form field reached PostgreSQL,
which refuses it in any text ("PostgreSQL text fields cannot contain NUL (0x00) bytes"): a 500 on every
page that filters or stores what it is given. No person types one; invisible characters pasted from
another program are dropped rather than refused, the nearest valid value. Tab, newline and carriage return
are kept (a note has lines). JSON bodies are the API's: its schemas and the report service refuse them
with a 422 naming the field."""

import re

from django.http import Http404, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

from tocns.core.text import CONTROL_CHARACTERS, strip_controls

_ANY_IN_PATH = re.compile("[\x00-\x1f\x7f]")
# The same, percent-encoded or raw, in a query string or a urlencoded body: most requests have none, and
# this one search is all they pay.
# Also U+FFFE and U+FFFF, as UTF-8 (EF BF BE/BF), percent-encoded or not (see core.text.CONTROL_CHARACTERS).
_ENCODED = re.compile(
    rb"%(?:0[0-8bcef]|1[0-9a-f]|7f)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|%ef%bf%b[ef]|\xef\xbf[\xbe\xbf]",
    re.IGNORECASE,
)
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _cleaned(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlist(strip_controls(key), [strip_controls(v) for v in values])
    cleaned._mutable = False
    return cleaned


def _has_controls(data: QueryDict) -> bool:
    return any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
        for key, values in data.lists()
    )


def control_characters(get_response):
    def middleware(request):
        if _ANY_IN_PATH.search(request.path):  # no address of the site has one
            if request.path.startswith(
                "/api/"
            ):  # the API answers in its own shape (core.api_errors.error_body)
                body = {"error": {"field": "request", "message": _("Không tìm thấy.")}}
                return JsonResponse(body, status=404)
            raise Http404
        query = request.META.get("QUERY_STRING", "")
        if query and _ENCODED.search(query.encode("latin-1", "replace")):
            request.GET = _cleaned(request.GET)
        if request.method == "POST" and request.content_type in _FORMS:
            if request.content_type == _FORMS[0]:
                dirty = _ENCODED.search(request.body) is not None
            else:  # a file upload: read only its fields (the files are the view's), as the CSRF check does
                try:
                    dirty = _has_controls(request.POST)
                except (
                    MultiPartParserError
                ):  # a broken body: the view finds no fields and says what is missing
                    dirty = False
            if dirty:
                request._post = _cleaned(request.POST)
        return get_response(request)

    return middleware
