import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocns.settings")
application = get_wsgi_application()


def settle() -> None:
    """Import every view, then take what is loaded out of the garbage collector's full passes.

    A province dashboard makes tens of thousands of short-lived objects, enough to set off a full
    collection every other request; that pass walks every object the process holds - Django, the
    URLconf, every app's modules - and cost ~70 ms a time. Frozen (gc.freeze), those are never walked
    again; what a request makes is still collected as before."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (loads the URLconf and with it every view)
    gc.collect()
    gc.freeze()


settle()
