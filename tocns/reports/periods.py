"""The period of a dashboard, a follow-up list or an export, as typed in `?ky=` or `--period`: within the
years tocns can hold. `Period.parse` takes any year Python's dates do, and "9999" made the month arithmetic
run past year 9999 (a 500 on every dashboard and export); a year before reports existed is no better."""

from django.utils import timezone
from django.utils.translation import gettext as _

from tocns.evaluation.scoring import Period

FIRST_YEAR = 2000
YEARS_AHEAD = 10  # plans are made for the years to come


def parse(text: str | None, today=None) -> Period:
    """A Period, or ValueError with the message to show."""
    today = today or timezone.localdate()
    period = Period.parse(text, today)
    last = today.year + YEARS_AHEAD
    if not FIRST_YEAR <= period.start.year <= last:
        raise ValueError(
            _("Kỳ không hợp lệ: năm phải từ %(first)s đến %(last)s.") % {"first": FIRST_YEAR, "last": last}
        )
    return period
