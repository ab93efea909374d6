from tocns.accounts import selectors as access

from .models import AuditEntry


def entries_for(user):
    """The audit log of the units the user is an officer of, and below."""
    access.require_officer(user)
    return AuditEntry.objects.filter(access.scope_q(user, field="unit_path", officer_only=True))
