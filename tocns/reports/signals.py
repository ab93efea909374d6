"""Saves and deletes of what a dashboard counts touch the stamp of the area they concern (see stamps):
the roster, the units, the plans and a province's weights. Reports touch through totals.apply; bulk writes
(which send no signals) touch in the code that makes them."""

from django.db.models.signals import post_save, pre_delete, pre_save

from tocns.core import stamps


def _lookup(model) -> str:
    """The field path from a row of the model to the unit path it concerns."""
    from tocns.evaluation.models import ScoreWeights
    from tocns.plans.models import Plan, Target, TargetShare
    from tocns.teams.models import Member, Team
    from tocns.units.models import Unit

    return {
        Unit: "path",
        Plan: "unit_path",
        Target: "plan__unit_path",
        TargetShare: "target__plan__unit_path",
        Team: "unit__path",
        Member: "team__unit__path",
        ScoreWeights: "unit__path",
    }[model]


def _stored_path(model, pk) -> str | None:
    """The unit path the stored row concerns, one query."""
    return model.objects.filter(pk=pk).values_list(_lookup(model), flat=True).first()


def _before_save(sender, instance, raw=False, **kwargs):
    """A row that moves (a team to another village, a member to another team, a unit in the tree) changes
    the area it leaves as well as the one it joins."""
    if not raw and instance.pk is not None:
        stamps.touch(_stored_path(sender, instance.pk))


def _changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    lookup = _lookup(sender)
    if "__" not in lookup:  # a unit's or a plan's own path
        path = getattr(instance, lookup)
    elif lookup == "plan__unit_path" and getattr(instance._state.fields_cache.get("plan"), "pk", None) == (
        instance.plan_id
    ):
        path = instance.plan.unit_path  # a target saved with its plan loaded, as the services do: no query
    else:
        path = _stored_path(sender, instance.pk)
    stamps.touch(path)


def _deleting(sender, instance, **kwargs):
    """Before the row goes, while its path can still be read."""
    stamps.touch(_stored_path(sender, instance.pk))


def connect() -> None:
    from tocns.evaluation.models import ScoreWeights
    from tocns.plans.models import Plan, Target, TargetShare
    from tocns.teams.models import Member, Team
    from tocns.units.models import Unit

    for model in (Team, Member, Unit):
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"stamps-before-{model._meta.label}")
    for model in (Team, Member, Unit, ScoreWeights, Plan, Target, TargetShare):
        post_save.connect(_changed, sender=model, dispatch_uid=f"stamps-save-{model._meta.label}")
    # Not targets' and shares': a receiver would make each deletion read and signal every share one by one
    # (a province plan's 12,000), and the plan's own deletion (it cascades to them) or split_target's
    # (stale shares) touch already.
    for model in (Team, Member, Unit, ScoreWeights, Plan):
        pre_delete.connect(_deleting, sender=model, dispatch_uid=f"stamps-delete-{model._meta.label}")
