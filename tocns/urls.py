from django.urls import include, path

urlpatterns = [
    path("", include("tocns.core.urls")),
    path("", include("tocns.accounts.urls")),
    path("", include("tocns.teams.urls")),
    path("don-vi/", include("tocns.units.urls")),
    path("nhat-ky/", include("tocns.audit.urls")),
]
