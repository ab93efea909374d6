from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _vietnamese_collation(sender, connection, **kwargs):
    """SQLite has no Vietnamese collation: core.queries.Vietnamese orders by this one (core.text.vi_key)."""
    if connection.vendor == "sqlite":
        from .text import vi_key

        def compare(a: str, b: str) -> int:
            left, right = vi_key(a), vi_key(b)
            return (left > right) - (left < right)

        connection.connection.create_collation("vi", compare)


class CoreConfig(AppConfig):
    name = "tocns.core"
    label = "core"

    def ready(self):
        connection_created.connect(_vietnamese_collation, dispatch_uid="tocns-vietnamese-collation")
