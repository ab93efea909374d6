"""The field every unit path is stored in ("/15/02647/02647-001/")."""

from django.db import models


class PathField(models.CharField):
    """A unit path, compared byte by byte on PostgreSQL (collation "C").

    Every scope filter is a path prefix (``path__startswith`` → ``LIKE '/15/%'``). PostgreSQL turns such a
    LIKE into an index range only when the column compares bytes; under the database's own collation
    (C.UTF-8, en_US.UTF-8 …) it scans every row instead - on the running totals of a province, hundreds of
    thousands. Codes are digits, letters and "/", so byte order is also the order people expect. SQLite
    compares bytes already."""

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql" and not self.db_collation:
            params["collation"] = "C"
        return params
