from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tocns.audit"
    label = "audit"
