from django.urls import include, path

from tocns.api import api

urlpatterns = [
    path("", include("tocns.core.urls")),
    path("", include("tocns.home.urls")),
    path("", include("tocns.accounts.urls")),
    path("", include("tocns.teams.urls")),
    path("", include("tocns.activities.urls")),
    path("", include("tocns.handbook.urls")),
    path("", include("tocns.training.urls")),
    path("", include("tocns.plans.urls")),
    path("", include("tocns.reports.urls")),
    path("don-vi/", include("tocns.home.unit_urls")),
    path("nhat-ky/", include("tocns.accounts.log_urls")),
    path("api/v1/", api.urls),
]
