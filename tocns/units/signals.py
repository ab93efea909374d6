"""What units announce to the apps above them, which units must not import: a merge hands the merged units'
teams to the unit they became (teams.services.follow_merge). Sent inside the merge's transaction, so the
receivers' writes commit or roll back with it."""

from django.dispatch import Signal

# sender=Unit; source: the closing unit, target: the unit it became, actor: who merged them.
unit_merged = Signal()
