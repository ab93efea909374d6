"""The log's pages keep their names (audit:log, audit:retention) though their views live in accounts."""

from django.urls import path

from . import log_views as views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log, name="log"),
    path("thoi-han/", views.retention, name="retention"),
]
