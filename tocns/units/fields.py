"""PathField lives in core.fields (the stamps and the audit log store paths too, and the ground imports no
app); the name stays here for the migrations written before it moved."""

from tocns.core.fields import PathField

__all__ = ["PathField"]
