"""Running totals kept in the same transaction as every activity report, so dashboards read a few
hundred rows instead of millions and still count a report made a second ago. Two grains:

* per team and month (effectiveness, a commune's teams and villages);
* per commune and month (``area_path``: the path cut after the commune, or the province's own path for
  teams attached to a province), which province and national dashboards sum.

`rebuild_totals` recomputes everything from the raw reports; tests compare the two. The sums are 64-bit
columns: a report counts at most 10,000 (activities.services.MAX_COUNT), but a commune's month of them, or a
team's year, is a sum with no such bound (a 32-bit total overflowed: every later report of that commune's
month answered 500)."""

from django.db import models

from tocns.units.fields import PathField


class TeamCountTotal(models.Model):
    """A team's reports, people and households reached, and weeks with a report, over some time (see the
    two below)."""

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    unit_path = PathField(max_length=255)
    area_path = PathField(max_length=255)
    reports = models.PositiveBigIntegerField(default=0)
    people = models.PositiveBigIntegerField(default=0)
    households = models.PositiveBigIntegerField(default=0)
    # Weeks with at least one report whose Monday falls in this month (year): regularity sums these over a
    # period's months instead of counting a province's team-weeks (see totals.apply).
    weeks = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class TeamMonth(TeamCountTotal):
    month = models.DateField()  # first day of the month

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "month"], name="team_month_once")]
        indexes = [
            models.Index(fields=["area_path", "month"]),
            # Covering: a province's per-team sums are read from the index alone, not from thousands of
            # table pages scattered by the order reports came in.
            models.Index(
                fields=["unit_path", "month", "team", "people", "reports", "households", "weeks"],
                name="team_month_covering_weeks",
            ),
        ]

    def __str__(self):
        return f"{self.team_id} {self.month:%m/%Y}: {self.reports}"


class TeamYear(TeamCountTotal):
    """A team's TeamMonth rows of a calendar year summed (weeks: those whose Monday is in the year): a
    dashboard of the year so far reads one row per team instead of its months."""

    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "year"], name="team_year_once")]
        indexes = [
            models.Index(
                fields=["year", "unit_path", "team", "weeks", "people", "reports"], name="team_year_covering"
            )
        ]

    def __str__(self):
        return f"{self.team_id} {self.year}: {self.reports}"


class TeamOutcomeTotal(models.Model):
    """A team's people guided and completed for one service over some time (see the two below)."""

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("activities.DigitalService", on_delete=models.CASCADE, related_name="+")
    unit_path = PathField(max_length=255)
    area_path = PathField(max_length=255)
    guided = models.PositiveBigIntegerField(default=0)
    completed = models.PositiveBigIntegerField(default=0)

    class Meta:
        abstract = True


class TeamMonthOutcome(TeamOutcomeTotal):
    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "month", "service"], name="team_month_service_once")
        ]
        indexes = [
            models.Index(
                fields=["unit_path", "month", "team", "service", "completed"], name="team_outcome_covering"
            )
        ]

    def __str__(self):
        return f"{self.team_id} {self.month:%m/%Y} {self.service_id}: {self.completed}/{self.guided}"


class TeamYearOutcome(TeamOutcomeTotal):
    """A team's results per service for a calendar year: a plan's targets are judged on the year so far,
    and a province's dashboard reads one row per team for a service instead of a year of months."""

    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "year", "service"], name="team_year_service_once")
        ]
        indexes = [
            models.Index(
                fields=["year", "service", "unit_path", "team", "completed"],
                name="team_year_outcome_covering",
            )
        ]

    def __str__(self):
        return f"{self.team_id} {self.year} {self.service_id}: {self.completed}/{self.guided}"


class AreaMonth(models.Model):
    area_path = PathField(max_length=255)
    month = models.DateField()
    reports = models.PositiveBigIntegerField(default=0)
    people = models.PositiveBigIntegerField(default=0)
    households = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area_path", "month"], name="area_month_once")]

    def __str__(self):
        return f"{self.area_path} {self.month:%m/%Y}: {self.reports}"


class AreaMonthOutcome(models.Model):
    area_path = PathField(max_length=255)
    month = models.DateField()
    service = models.ForeignKey("activities.DigitalService", on_delete=models.CASCADE, related_name="+")
    guided = models.PositiveBigIntegerField(default=0)
    completed = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area_path", "month", "service"], name="area_month_service_once")
        ]
        indexes = [
            models.Index(
                fields=["area_path", "month", "service", "guided", "completed"], name="area_outcome_covering"
            )
        ]

    def __str__(self):
        return f"{self.area_path} {self.month:%m/%Y} {self.service_id}: {self.completed}/{self.guided}"


class TeamWeek(models.Model):
    """Reports per team and week (Monday), for regularity: weeks with at least one report."""

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    area_path = PathField(max_length=255)
    reports = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "week"], name="team_week_once")]
        # Scores read one week of a province (the week a period starts in, when it starts after a Monday):
        # the week first, so that is one short range of the index.
        indexes = [models.Index(fields=["week", "area_path", "team", "reports"], name="team_week_by_week")]

    def __str__(self):
        return f"{self.team_id} {self.week:%d/%m/%Y}: {self.reports}"


class TeamLastReport(models.Model):
    """The date of a team's latest report, for "no report since …" without scanning its history."""

    team = models.OneToOneField("teams.Team", on_delete=models.CASCADE, primary_key=True, related_name="+")
    area_path = PathField(max_length=255, db_index=True)
    last_date = models.DateField()

    def __str__(self):
        return f"{self.team_id}: {self.last_date:%d/%m/%Y}"


class AreaStamp(models.Model):
    """A token that changes whenever anything a dashboard counts changes under an area: ``path`` is a
    commune's path (everything under it), a province's own path (the province itself: its weights, its
    plan, its own teams; every area of the province depends on it) or "/" (everything). Written in the same
    transaction as the change (``reports.stamps.touch``), so the per-commune figures a province or national
    dashboard keeps (``reports.parts``) are used only while their stamps are those they were made under."""

    path = PathField(max_length=255, unique=True)
    token = models.BigIntegerField()

    def __str__(self):
        return f"{self.path} {self.token}"
