"""{% share_rows row plan can_edit %}: the rows of a target's shares on the plan page.

Written here rather than as a template loop with two includes and two {% url %} per row: a province's
plan has ~500 shares (166 communes, three targets), and the template took 92 ms of a 147 ms page over
them (Thanh Hóa at scale 1.0). The cells are those plans/_figure.html and plans/_bar.html write;
format_html escapes every value as the template would."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tocns.core.templatetags.numbers import so

register = template.Library()

BAR = (
    '<span role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="{}" style="display:block;'
    'height:.5rem;margin:.25rem 0;border-radius:99px;background:#e8efe9;overflow:hidden"><span style="'
    'display:block;height:100%;width:{}%;background:{}"></span></span>'
)


def _number(value) -> str:
    return so(value) if isinstance(value, int) else intcomma(value)


def figure(progress) -> str:
    """What plans/_figure.html writes: "12 / 40 (30%)", or "61,5% / 60% (103%)" for a percentage."""
    if progress.percentage:
        text = f"{floatformat(progress.actual, '-1')}% / {_number(progress.target)}%"
    else:
        text = f"{_number(progress.actual)} / {_number(progress.target)}"
    if progress.percent is not None:
        text += f" ({_number(progress.percent)}%)"
    return text


def bar(progress):
    """What plans/_bar.html writes."""
    return format_html(BAR, progress.bar, progress.bar, "var(--green)" if progress.on_pace else "var(--warn)")


@register.simple_tag
def share_rows(row, plan, can_edit: bool):
    """The rows: who (with the link to their own plan), the share (hand-set tag, edit link), progress."""
    child_link = reverse("plans:detail", args=[0]).replace("/0/", "/{}/")
    edit_link = reverse("plans:share_edit", args=[plan.pk, 0]).rsplit("/0/", 1)[0] + "/{}/"
    lower, manual, slow, edit = _("kế hoạch cấp dưới"), _("giao tay"), _("chậm"), _("Sửa")
    percentage = row.target.is_percentage

    def cells(item):
        share = item.share
        if share.team_id:
            who = format_html('{}<br><span class="muted">{}</span>', share.team.name, share.team.unit.name)
        else:
            who = format_html("{}", share.unit.name)
        if item.child_plan:
            who = format_html('{}<br><a href="{}">{}</a>', who, child_link.format(item.child_plan.pk), lower)
        value = so(share.value) + ("%" if percentage else "")
        if share.manual:
            value = format_html('{}<br><span class="tag">{}</span>', value, manual)
        if can_edit:  # under the value it edits, not in a column of its own: off a phone's screen there
            value = format_html('{}<br><a href="{}">{}</a>', value, edit_link.format(share.pk), edit)
        done = format_html(
            "{}{}{}",
            figure(item.progress),
            bar(item.progress),
            format_html('<span class="tag warn">{}</span>', slow) if not item.progress.on_pace else "",
        )
        return who, value, done

    return format_html_join(
        "\n", '<tr><td>{}</td><td class="num">{}</td><td>{}</td></tr>', (cells(item) for item in row.shares)
    ) or mark_safe("")
