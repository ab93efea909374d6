from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from . import selectors


@login_required
def audit_log(request):
    entries = selectors.entries_for(request.user)
    page = Paginator(entries, 50).get_page(request.GET.get("trang"))
    return render(request, "audit/log.html", {"page": page})
