import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tocns.core.fields import PathField


class ActivityKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Hướng dẫn tại nhà")
    MEETING = "meeting", _("Tuyên truyền / họp thôn")
    HELP_DESK = "help_desk", _("Điểm hỗ trợ")
    TRAINING = "training", _("Tập huấn cho người dân")
    ONLINE = "online", _("Trực tuyến")


class Activity(models.Model):
    """One report of work a team did. The id is made on the phone, so a report sent twice is stored once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="activities")
    # Copied from the team's unit when written: the scope filter and the per-unit counts need no join.
    unit_path = PathField(max_length=255, db_index=True)
    village = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thôn"),
    )
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("hình thức"), max_length=20, choices=ActivityKind.choices)
    participants = models.ManyToManyField(
        "teams.Member", blank=True, related_name="activities", verbose_name=_("thành viên tham gia")
    )
    people_reached = models.PositiveIntegerField(_("số người được hỗ trợ"), default=0)
    households_reached = models.PositiveIntegerField(_("số hộ"), default=0)
    hours = models.DecimalField(
        _("số giờ"), max_digits=5, decimal_places=1, default=0, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("hoạt động")
        indexes = [
            models.Index(fields=["team", "-date"]),
            models.Index(fields=["unit_path", "date"]),
            # The feed and the supervision page list the newest reports of a scope: read backwards from
            # here until enough match, instead of sorting all of a province's (measured at scale 1.0:
            # a province's newest 30 in 3.7 ms instead of 47, the country's in 0.2 ms instead of 330).
            models.Index(fields=["-date", "-created_at"], name="activity_newest_first"),
        ]

    def __str__(self):
        return f"{self.team} · {self.date:%d/%m/%Y} · {self.get_kind_display()}"


class Outcome(models.Model):
    """Per activity and service: people guided, and how many of them completed (e.g. activated VNeID)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="outcomes")
    service = models.ForeignKey("catalogue.DigitalService", on_delete=models.PROTECT, related_name="outcomes")
    guided = models.PositiveIntegerField(_("số người được hướng dẫn"), default=0)
    completed = models.PositiveIntegerField(_("số người hoàn thành"), default=0)

    class Meta:
        ordering = ["service__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "service"], name="one_outcome_per_service"),
            models.CheckConstraint(
                condition=models.Q(completed__lte=models.F("guided")), name="completed_le_guided"
            ),
        ]

    def __str__(self):
        return f"{self.service}: {self.guided}/{self.completed}"


class Photo(models.Model):
    """A photo of an activity, re-encoded on upload (no location metadata) and served only in scope."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="activity-photos/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self):
        return f"{self.activity} · {self.image.name}"


# Running totals of the reports above (see totals.py), kept in the same transaction as every activity
# report, so dashboards read a few hundred rows instead of millions and still count a report made a second ago. Two grains:
#
# * per team and month (effectiveness, a commune's teams and villages);
# * per commune and month (``area_path``: the path cut after the commune, or the province's own path for
#   teams attached to a province), which province and national dashboards sum.
#
# `rebuild_totals` recomputes everything from the raw reports; tests compare the two. The sums are 64-bit
# columns: a report counts at most 10,000 (activities.services.MAX_COUNT), but a commune's month of them, or a
# team's year, is a sum with no such bound (a 32-bit total overflowed: every later report of that commune's
# month answered 500).
#
# Every report adds to a dozen rows here, so on PostgreSQL each add must be a HOT (heap-only tuple) update: the
# new version goes on the row's own page and no index gains an entry; the page prunes the old versions itself
# when it is next read, and no VACUUM is needed to keep the tables compact. PostgreSQL does that only when no
# index holds a column the update changes: the indexes below hold the keys and paths, never a counter (paths
# are written unchanged unless a merge moved the team), and the tables leave room on their pages for the new
# versions (fillfactor, see migration 0007). Covering indexes with the counters made every update add an entry
# to every index and leave a dead row behind, which the dashboards read through until a VACUUM: after 10,000
# reports in a province its floor read 2.8x the rows (bench/totals_bloat.py; now 1.1x, 99 % of updates HOT).
# Reads take the counters from the table instead of the index.


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
            # Named as Django named it when the totals lived in reports (the index kept its name).
            models.Index(fields=["area_path", "month"], name="reports_tea_area_pa_0e60ac_idx"),
            # No counter in an index (see above): a province's per-team sums read the table's rows.
            models.Index(fields=["unit_path", "month"], name="team_month_by_path"),
        ]

    def __str__(self):
        return f"{self.team_id} {self.month:%m/%Y}: {self.reports}"


class TeamYear(TeamCountTotal):
    """A team's TeamMonth rows of a calendar year summed (weeks: those whose Monday is in the year): a
    dashboard of the year so far reads one row per team instead of its months."""

    year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "year"], name="team_year_once")]
        indexes = [models.Index(fields=["year", "unit_path"], name="team_year_by_path")]

    def __str__(self):
        return f"{self.team_id} {self.year}: {self.reports}"


class TeamOutcomeTotal(models.Model):
    """A team's people guided and completed for one service over some time (see the two below)."""

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("catalogue.DigitalService", on_delete=models.CASCADE, related_name="+")
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
        indexes = [models.Index(fields=["unit_path", "month", "service"], name="team_outcome_by_path")]

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
        indexes = [models.Index(fields=["year", "service", "unit_path"], name="team_year_outcome_by_path")]

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
    service = models.ForeignKey("catalogue.DigitalService", on_delete=models.CASCADE, related_name="+")
    guided = models.PositiveBigIntegerField(default=0)
    completed = models.PositiveBigIntegerField(default=0)

    class Meta:
        # The unique key's index serves a province's reads too (area_path first).
        constraints = [
            models.UniqueConstraint(fields=["area_path", "month", "service"], name="area_month_service_once")
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
        indexes = [models.Index(fields=["week", "area_path"], name="team_week_by_path")]

    def __str__(self):
        return f"{self.team_id} {self.week:%d/%m/%Y}: {self.reports}"


class TeamLastReport(models.Model):
    """The date of a team's latest report, for "no report since …" without scanning its history."""

    team = models.OneToOneField("teams.Team", on_delete=models.CASCADE, primary_key=True, related_name="+")
    area_path = PathField(max_length=255, db_index=True)
    last_date = models.DateField()

    def __str__(self):
        return f"{self.team_id}: {self.last_date:%d/%m/%Y}"
