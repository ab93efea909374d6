"""How a target is divided among the units or teams below: weights from households, then whole numbers
that add up exactly to the target (largest-remainder rounding)."""

from dataclasses import dataclass
from fractions import Fraction

from tocns.teams.models import Team, TeamStatus
from tocns.units.models import Unit, UnitKind


def largest_remainder(total: int, weights: list[Fraction]) -> list[int]:
    """Whole numbers proportional to the weights that add up to exactly `total`.

    Everyone gets the whole part of their exact share; the units left over go one each to the largest
    fractional parts (ties: the earlier in the list). All weights zero: equal shares."""
    if not weights:
        return []
    if total < 0:
        raise ValueError("total must not be negative")
    weights = [Fraction(w) for w in weights]
    if sum(weights) <= 0:
        weights = [Fraction(1)] * len(weights)
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    values = [int(e) for e in exact]  # floor: exact shares are never negative
    left = total - sum(values)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - values[i]), i))
    for i in by_remainder[:left]:
        values[i] += 1
    return values


@dataclass
class Recipient:
    """A unit or a team that may receive a share, with its weight in the split."""

    unit: Unit | None
    team: Team | None
    weight: Fraction

    @property
    def key(self) -> tuple[str, int]:
        return ("unit", self.unit.pk) if self.unit else ("team", self.team.pk)

    @property
    def name(self) -> str:
        return self.unit.name if self.unit else self.team.name


def villages_below(path: str) -> list[tuple[str, int | None]]:
    """(path, households) of the current villages below a path, in one query."""
    return list(
        Unit.objects.current()
        .filter(path__startswith=path, kind=UnitKind.VILLAGE)
        .values_list("path", "households")
    )


def _average_village(villages: list[tuple[str, int | None]]) -> Fraction:
    known = [h for _p, h in villages if h is not None]
    return Fraction(sum(known), len(known)) if known and sum(known) else Fraction(1)


def recipients(plan_unit: Unit, split_to: str) -> list[Recipient]:
    """Who gets a share of a target of a plan of `plan_unit`, and their weight.

    * Child units (communes under a province, villages under a commune): the households of the child's
      current villages (a village's own households).
    * Teams (active teams under the plan's unit): the households of the team's village, divided evenly
      among the active teams of that village.

    Missing household data: a village with no household count weighs as much as the average village
    with a count below the plan's unit, so a child without data gets its share by its number of
    villages; a child with no village at all counts as one such village. When no village below has
    household data the average village weighs 1, so the split is by number of villages — and equal
    when no child has villages. A household count of 0 is data, not missing: it weighs nothing.
    When every weight is zero, the shares are equal."""
    villages = villages_below(plan_unit.path)
    average = _average_village(villages)

    def weigh(path: str) -> Fraction:
        below = [h for p, h in villages if p.startswith(path)]
        if not below:
            return average
        return sum((Fraction(h) if h is not None else average for h in below), Fraction(0))

    if split_to == "teams":
        teams = list(
            Team.objects.filter(unit__path__startswith=plan_unit.path, status=TeamStatus.ACTIVE)
            .select_related("unit")
            .order_by("unit__path", "name", "pk")
        )
        per_unit: dict[int, int] = {}
        for team in teams:
            per_unit[team.unit_id] = per_unit.get(team.unit_id, 0) + 1
        return [
            Recipient(unit=None, team=t, weight=_team_weight(t, average) / per_unit[t.unit_id]) for t in teams
        ]
    children = list(Unit.objects.current().filter(parent=plan_unit).order_by("name", "code"))
    return [Recipient(unit=c, team=None, weight=weigh(c.path)) for c in children]


def _team_weight(team: Team, average: Fraction) -> Fraction:
    if team.unit.kind == UnitKind.VILLAGE:
        return Fraction(team.unit.households) if team.unit.households is not None else average
    # A team attached to the commune or province itself: one average village.
    return average
